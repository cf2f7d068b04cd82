package build

import (
	"fmt"
	"sync/atomic"
	"time"
)

// showProgress prints "label N/total" to the progress writer every 100 ms
// until the returned stop is called. Without a progress writer it does
// nothing.
func (b *Builder) showProgress(label string, done *atomic.Int64, total int) (stop func()) {
	if b.progress == nil || total < 200 {
		return func() {}
	}
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-quit:
				fmt.Fprintf(b.progress, "\r\033[K")
				return
			case <-t.C:
				fmt.Fprintf(b.progress, "\r%s %d/%d", label, done.Load(), total)
			}
		}
	}()
	return func() { close(quit); <-finished }
}
