//go:build !linux

package build

import (
	"errors"
	"os"
)

// createFile writes data to a new or truncated file and returns its size
// and modification time (UnixNano); see sysfile_linux.go.
func createFile(file string, data []byte) (size, mtime int64, err error) {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return 0, 0, err
	}
	_, werr := f.Write(data)
	st, serr := f.Stat()
	if err := errors.Join(werr, serr, f.Close()); err != nil {
		return 0, 0, err
	}
	return st.Size(), st.ModTime().UnixNano(), nil
}
