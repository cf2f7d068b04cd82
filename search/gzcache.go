package search

import (
	"encoding/binary"
	"hash/crc32"
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

// ReadGzipCache reads a cache written by Bytes; what is cut off or
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

// Bytes returns the cache as a file holds it: the entries this build used.
func (c *GzipCache) Bytes() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	size := 0
	for _, gz := range c.used {
		size += 20 + len(gz)
	}
	out := make([]byte, 0, size)
	for key, gz := range c.used {
		out = binary.LittleEndian.AppendUint64(out, key)
		out = binary.LittleEndian.AppendUint32(out, uint32(len(gz)))
		out = binary.LittleEndian.AppendUint64(out, xxhash.Sum64(gz))
		out = append(out, gz...)
	}
	return out
}

// Changed reports whether Bytes differs from the file read: a build that
// found every file in the cache and used all of it need not write it.
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
