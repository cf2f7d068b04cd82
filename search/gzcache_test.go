package search

import (
	"bytes"
	"testing"
)

// TestGzipCache: a file found in the cache is not compressed again; the
// cache survives Bytes and ReadGzipCache; an entry whose bytes do not
// match the raw bytes (damaged, or another file of the same hash) is
// compressed again, never used.
func TestGzipCache(t *testing.T) {
	raws := [][]byte{[]byte("visa visa visa"), bytes.Repeat([]byte("교통카드"), 100), {}}
	compressed := 0
	compress := func(raw []byte) []byte { compressed++; return gzipBytes(raw) }

	c := ReadGzipCache(nil)
	for _, raw := range raws {
		if got := gunzip(t, c.gzip(raw, compress)); !bytes.Equal(got, raw) {
			t.Fatalf("gunzip = %q, want %q", got, raw)
		}
	}
	if compressed != len(raws) || !c.Changed() {
		t.Fatalf("first build: %d compressed, changed %v; want %d, true", compressed, c.Changed(), len(raws))
	}

	c = ReadGzipCache(fileOf(t, c))
	for _, raw := range raws {
		if got := gunzip(t, c.gzip(raw, compress)); !bytes.Equal(got, raw) {
			t.Fatalf("from the cache: gunzip = %q, want %q", got, raw)
		}
	}
	if compressed != len(raws) || c.Changed() {
		t.Fatalf("second build: %d compressed in all, changed %v; want %d, false", compressed, c.Changed(), len(raws))
	}

	// Damage every entry, in its deflate stream (the trailer still
	// matches the raw bytes) or in its trailer: each is compressed again.
	clean := fileOf(t, c)
	data := bytes.Clone(clean)
	for k := range c.used {
		gz := c.used[k]
		i := bytes.Index(data, gz)
		data[i+len(gz)/2] ^= 0xff
		data[i+len(gz)-8] ^= 0xff
	}
	c = ReadGzipCache(data)
	for _, raw := range raws {
		if got := gunzip(t, c.gzip(raw, compress)); !bytes.Equal(got, raw) {
			t.Fatalf("damaged cache: gunzip = %q, want %q", got, raw)
		}
	}
	if compressed != 2*len(raws) || !c.Changed() {
		t.Fatalf("damaged cache: %d compressed in all, changed %v; want %d, true", compressed, c.Changed(), 2*len(raws))
	}
	// A cut file keeps the entries before the cut.
	if c := ReadGzipCache(clean[:len(clean)-1]); len(c.old) != len(raws)-1 {
		t.Fatalf("cut file: %d entries, want %d", len(c.old), len(raws)-1)
	}
}

// fileOf returns what c.Save writes to a cache file.
func fileOf(t *testing.T, c *GzipCache) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := c.Save(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
