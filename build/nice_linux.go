package build

import (
	"runtime"
	"syscall"
)

// background lowers the scheduling priority of the calling goroutine's
// thread to backgroundNice (never raises it) for the rest of the
// goroutine's life: the goroutine is locked to its thread and must exit
// without unlocking, so the runtime discards the thread instead of handing
// its priority to other goroutines.
func background() {
	runtime.LockOSThread()
	tid := syscall.Gettid()
	// getpriority(2) answers 20 - nice.
	if p, err := syscall.Getpriority(syscall.PRIO_PROCESS, tid); err == nil && 20-p < backgroundNice {
		_ = syscall.Setpriority(syscall.PRIO_PROCESS, tid, backgroundNice)
	}
}
