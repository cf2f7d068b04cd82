package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// logFlushEvery bounds how late an Info line of the request log reaches
// stderr. Buffering saves the read path one write(2) per request (issue 20);
// the CPU measured per read did not move beyond the noise of the shared
// machine (bench/RESULTS.md), so this is the cheap side of the trade.
const logFlushEvery = 100 * time.Millisecond

// bufferedLog collects log lines in memory and writes them to w in one
// write per logFlushEvery (or when 64 KiB are waiting). Warnings and errors
// are written at once, with everything before them, so a line that explains
// a crash is never left in the buffer. Close writes what is left.
type bufferedLog struct {
	mu   sync.Mutex
	buf  *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

// newBufferedLog starts the flusher of a buffer in front of w.
func newBufferedLog(w io.Writer) *bufferedLog {
	b := &bufferedLog{buf: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
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
			b.Flush()
		}
	}
}

// Write buffers p (one log record: slog writes each record in one call).
func (b *bufferedLog) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Flush writes the buffered lines now.
func (b *bufferedLog) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	_ = b.buf.Flush() // stderr failing is nothing a logger can report
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
