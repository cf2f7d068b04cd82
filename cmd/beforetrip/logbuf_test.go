package main

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestBufferedLog: Info lines reach the writer by the flusher, an error
// line (and everything before it) at once, and Close writes the rest.
func TestBufferedLog(t *testing.T) {
	var out syncBuffer
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
