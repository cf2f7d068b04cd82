package build

import (
	"os"
	"syscall"
)

// createFile writes data to a new or truncated file and returns its size
// and modification time (UnixNano), as a build stages and publishes
// thousands of files.
// It calls the system directly: os.OpenFile on Linux also fstats the file,
// switches it to non-blocking mode, fails to add it to the network poller
// (regular files cannot be polled), switches it back and closes it through
// the poller: five more system calls per file, ~1.4 µs of the ~9 µs a
// 30 KB file costs on tmpfs (about 20 ms of CPU in a cold 10k-page build).
func createFile(file string, data []byte) (size, mtime int64, err error) {
	var fd int
	for {
		fd, err = syscall.Open(file, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC|syscall.O_CLOEXEC, 0o644)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return 0, 0, &os.PathError{Op: "open", Path: file, Err: err}
	}
	for len(data) > 0 && err == nil {
		var n int
		n, err = syscall.Write(fd, data)
		if err == syscall.EINTR {
			err = nil
		}
		data = data[max(n, 0):]
	}
	var st syscall.Stat_t
	if err == nil {
		err = syscall.Fstat(fd, &st)
	}
	if cerr := syscall.Close(fd); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, 0, &os.PathError{Op: "write", Path: file, Err: err}
	}
	return st.Size, st.Mtim.Nano(), nil
}
