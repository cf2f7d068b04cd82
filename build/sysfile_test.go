package build

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCreateFile: createFile writes the bytes over any older file and
// reports the size and modification time os.Stat sees.
func TestCreateFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a.html")
	if err := os.WriteFile(file, bytes.Repeat([]byte("old "), 10000), 0o644); err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("<p>new</p>"), 5000)
	size, mtime, err := createFile(file, data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(file)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("file holds %d bytes (%v), want the %d written", len(got), err, len(data))
	}
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if size != st.Size() || mtime != st.ModTime().UnixNano() {
		t.Errorf("createFile: size %d mtime %d; os.Stat: %d %d", size, mtime, st.Size(), st.ModTime().UnixNano())
	}
	if _, _, err := createFile(filepath.Join(t.TempDir(), "missing", "b.html"), data); !os.IsNotExist(err) {
		t.Errorf("in a missing folder: %v, want a not-exist error", err)
	}
}
