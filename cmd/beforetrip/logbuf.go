package main

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// logFlushEvery bounds how late an Info line of the request log reaches
// stderr. Buffering saves the read path one write(2) per request (issue 20).
const logFlushEvery = 100 * time.Millisecond

// logFlushAt is how many buffered bytes wake the flusher before its tick,
// and logMaxPending how many make Write wait for it: a stuck stderr slows
// the requests down instead of growing the buffer without bound.
const (
	logFlushAt    = 64 << 10
	logMaxPending = 4 << 20
)

// bufferedLog collects log lines in memory and writes them to w from its
// own goroutine, once per logFlushEvery or when logFlushAt bytes wait.
// Write only copies under a short lock: the write(2) to w happens on a
// swapped-out buffer with no lock a request needs (issue 20: with the write
// done under the lock, every request of a 64-connection load queued behind
// the one that filled the buffer, and the lock was the largest blocker of
// the read path in the block profile). Warnings and errors are written at
// once, with everything before them, so a line that explains a crash is
// never left in the buffer. Close writes what is left.
type bufferedLog struct {
	w io.Writer

	mu      sync.Mutex
	drained *sync.Cond // signalled when a flush took the buffer
	buf     []byte     // lines not yet taken by a flush

	// writing serializes flushes, so lines reach w in order; it holds
	// spare, the buffer being written, which is reused.
	writing sync.Mutex
	spare   []byte

	wake chan struct{} // buffer past logFlushAt: flush now
	stop chan struct{}
	done chan struct{}
}

// newBufferedLog starts the flusher of a buffer in front of w.
func newBufferedLog(w io.Writer) *bufferedLog {
	b := &bufferedLog{w: w, buf: make([]byte, 0, logFlushAt*2), spare: make([]byte, 0, logFlushAt*2),
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	b.drained = sync.NewCond(&b.mu)
	go b.flushLoop()
	return b
}

func (b *bufferedLog) flushLoop() {
	defer close(b.done)
	t := time.NewTicker(logFlushEvery)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
		case <-b.wake:
		}
		b.Flush()
	}
}

// Write buffers p (one log record: slog writes each record in one call).
func (b *bufferedLog) Write(p []byte) (int, error) {
	b.mu.Lock()
	for len(b.buf) >= logMaxPending {
		b.drained.Wait()
	}
	b.buf = append(b.buf, p...)
	full := len(b.buf) >= logFlushAt
	b.mu.Unlock()
	if full {
		select {
		case b.wake <- struct{}{}:
		default: // a flush is already asked for
		}
	}
	return len(p), nil
}

// Flush writes the buffered lines now.
func (b *bufferedLog) Flush() {
	b.writing.Lock()
	defer b.writing.Unlock()
	b.mu.Lock()
	b.buf, b.spare = b.spare[:0], b.buf
	b.drained.Broadcast()
	b.mu.Unlock()
	if len(b.spare) > 0 {
		_, _ = b.w.Write(b.spare) // stderr failing is nothing a logger can report
	}
	if cap(b.spare) > logFlushAt*4 {
		// A burst grew it (up to logMaxPending): do not keep that much.
		b.spare = make([]byte, 0, logFlushAt*2)
	}
}

// Close stops the flusher and writes what is left.
func (b *bufferedLog) Close() {
	close(b.stop)
	<-b.done
	b.Flush()
}

// flushingHandler flushes the buffered log after every record at Warn or
// above.
type flushingHandler struct {
	slog.Handler
	log *bufferedLog
}

func (h flushingHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		h.log.Flush()
	}
	return err
}

func (h flushingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushingHandler{h.Handler.WithAttrs(attrs), h.log}
}

func (h flushingHandler) WithGroup(name string) slog.Handler {
	return flushingHandler{h.Handler.WithGroup(name), h.log}
}

// newBufferedLogger is the JSON logger of `beforetrip api` over a
// bufferedLog on w; call the returned func before exiting.
func newBufferedLogger(w io.Writer, level slog.Leveler) (*slog.Logger, func()) {
	b := newBufferedLog(w)
	return slog.New(flushingHandler{slog.NewJSONHandler(b, &slog.HandlerOptions{Level: level}), b}), b.Close
}
