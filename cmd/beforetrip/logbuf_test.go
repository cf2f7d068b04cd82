package main

import (
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/test/harness"
)

// TestBufferedLog: Info lines reach the writer by the flusher, an error
// line (and everything before it) at once, and Close writes the rest.
func TestBufferedLog(t *testing.T) {
	var out harness.SyncBuffer
	logger, closeLog := newBufferedLogger(&out, slog.LevelInfo)
	logger.Info("request", "path", "/api/pages")
	for deadline := time.Now().Add(time.Minute); !strings.Contains(out.String(), `"path":"/api/pages"`); {
		if time.Now().After(deadline) {
			t.Fatalf("Info line not flushed within a minute: %q", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}

	logger.Info("before the error", "n", 1)
	logger.With("part", "store").Error("api: panic", "err", errors.New("boom"))
	got := out.String()
	if !strings.Contains(got, `"msg":"before the error"`) || !strings.Contains(got, `"part":"store"`) {
		t.Fatalf("an error must flush itself and the lines before it at once, got %q", got)
	}

	logger.Info("last")
	closeLog()
	if !strings.Contains(out.String(), `"msg":"last"`) {
		t.Fatalf("Close left a line in the buffer: %q", out.String())
	}
}

// blockingWriter holds every Write until release is closed, telling
// entered when one starts.
type blockingWriter struct {
	entered chan struct{}
	release chan struct{}
	out     harness.SyncBuffer
}

func (w *blockingWriter) Write(p []byte) (int, error) {
	select {
	case w.entered <- struct{}{}:
	default:
	}
	<-w.release
	return w.out.Write(p)
}

// TestBufferedLogWriteDoesNotWaitForFlush: while the flusher is stuck in
// a slow write to stderr, logging a line still returns (issue 20: requests
// queued on the log's lock behind the write), and the line is written by
// the next flush, after the earlier ones.
func TestBufferedLogWriteDoesNotWaitForFlush(t *testing.T) {
	w := &blockingWriter{entered: make(chan struct{}, 1), release: make(chan struct{})}
	logger, closeLog := newBufferedLogger(w, slog.LevelInfo)
	logger.Info("first")
	<-w.entered // the ticker's flush is now inside w.Write, holding "first"

	logged := make(chan struct{})
	go func() {
		logger.Info("second")
		close(logged)
	}()
	select {
	case <-logged:
	case <-time.After(time.Minute):
		t.Fatal("logging waited for the flusher's write to stderr")
	}
	close(w.release)
	closeLog()
	got := w.out.String()
	if i, j := strings.Index(got, `"msg":"first"`), strings.Index(got, `"msg":"second"`); i < 0 || j < i {
		t.Fatalf("want first then second, got %q", got)
	}
}

// TestBufferedLogBoundsPending: when stderr does not take the lines,
// logging waits once logMaxPending bytes are buffered instead of growing
// the buffer without bound, and goes on once stderr takes them.
func TestBufferedLogBoundsPending(t *testing.T) {
	w := &blockingWriter{entered: make(chan struct{}, 1), release: make(chan struct{})}
	logger, closeLog := newBufferedLogger(w, slog.LevelInfo)
	logger.Info("first")
	<-w.entered

	line := strings.Repeat("x", 1000)
	var n atomic.Int64
	finished := make(chan struct{})
	go func() {
		for range logMaxPending/1000 + 10 {
			logger.Info(line)
			n.Add(1)
		}
		close(finished)
	}()
	// The writer is stuck, so the logging goroutine must stop before the
	// end; wait until it has stopped moving for a while.
	for last := int64(-1); ; {
		time.Sleep(100 * time.Millisecond)
		cur := n.Load()
		if cur == last {
			break
		}
		last = cur
	}
	select {
	case <-finished:
		t.Fatal("logging went on past logMaxPending with stderr stuck")
	default:
	}
	close(w.release)
	<-finished
	closeLog()
	if got := strings.Count(w.out.String(), line); got != logMaxPending/1000+10 {
		t.Fatalf("%d of %d lines written", got, logMaxPending/1000+10)
	}
}
