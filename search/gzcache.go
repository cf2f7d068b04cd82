package search

import (
	"encoding/binary"
	"hash/crc32"
	"io"
	"sync"

	"github.com/cespare/xxhash/v2"
)

// GzipCache keeps the gzipped bytes of index files by a hash of their raw
// bytes. Compressing the shards is most of what a restarted build over
// unchanged content spends on the index; with the cache it reads them
// back instead. An entry is used only when its bytes match the checksum
// stored with them and its gzip trailer (CRC-32 and length of the raw
// bytes) matches the raw bytes, so a hash collision or a damaged file can
// cost a compression, never a wrong file.
type GzipCache struct {
	mu   sync.Mutex
	old  map[uint64][]byte // read from the cache file
	used map[uint64][]byte // compressed or found by this build
	hits int
}

// ReadGzipCache reads a cache written by Save; what is cut off or
// damaged is left out (the cache only saves time).
func ReadGzipCache(data []byte) *GzipCache {
	c := &GzipCache{old: map[uint64][]byte{}, used: map[uint64][]byte{}}
	const head = 20 // key, length, checksum of the gzipped bytes
	for len(data) >= head {
		key, n := binary.LittleEndian.Uint64(data), binary.LittleEndian.Uint32(data[8:])
		if uint64(n) > uint64(len(data)-head) {
			break
		}
		if gz := data[head : head+n]; xxhash.Sum64(gz) == binary.LittleEndian.Uint64(data[12:]) {
			c.old[key] = gz
		}
		data = data[head+n:]
	}
	return c
}

// Save writes the cache as a file holds it: the entries this build
// used, streamed (the file is as large as the gzipped index).
func (c *GzipCache) Save(w io.Writer) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var head [20]byte
	for key, gz := range c.used {
		binary.LittleEndian.PutUint64(head[:], key)
		binary.LittleEndian.PutUint32(head[8:], uint32(len(gz)))
		binary.LittleEndian.PutUint64(head[12:], xxhash.Sum64(gz))
		if _, err := w.Write(head[:]); err != nil {
			return err
		}
		if _, err := w.Write(gz); err != nil {
			return err
		}
	}
	return nil
}

// Changed reports whether Save would write other entries than the file
// read: a build that found every file in the cache and used all of it
// need not write it.
func (c *GzipCache) Changed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits != len(c.used) || len(c.used) != len(c.old)
}

// gzip returns raw gzipped, from the cache or by compress.
func (c *GzipCache) gzip(raw []byte, compress func([]byte) []byte) []byte {
	key := xxhash.Sum64(raw)
	c.mu.Lock()
	gz, ok := c.old[key]
	c.mu.Unlock()
	if ok && len(gz) >= 18 && binary.LittleEndian.Uint32(gz[len(gz)-8:]) == crc32.ChecksumIEEE(raw) &&
		binary.LittleEndian.Uint32(gz[len(gz)-4:]) == uint32(len(raw)) {
		c.mu.Lock()
		if _, dup := c.used[key]; !dup {
			c.hits++
		}
		c.used[key] = gz
		c.mu.Unlock()
		return gz
	}
	gz = compress(raw)
	c.mu.Lock()
	c.used[key] = gz
	c.mu.Unlock()
	return gz
}
