package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"strings"
	"testing"
)

// TestFlagErrors: a wrong flag is one line and exit code 2, -h prints the
// usage exactly once (it used to print it twice, and also for wrong flags).
func TestFlagErrors(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantHelp   bool
		wantUsage  int // times "Usage:" appears on stderr
		wantInErr  string
		wantStatus int
	}{
		{"help", []string{"build", "-h"}, true, 1, "", 0},
		{"wrong flag", []string{"build", "--nope"}, false, 0, "build: flag provided but not defined: -nope", 2},
		{"extra argument", []string{"check", "extra"}, false, 0, `check: unexpected argument "extra"`, 2},
		{"unknown command", []string{"bulid"}, false, 0, `unknown command "bulid"`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := Main(context.Background(), tt.args, &stdout, &stderr)
			if got := errors.Is(err, flag.ErrHelp); got != tt.wantHelp {
				t.Fatalf("Main(%q) = %v, want help=%v", tt.args, err, tt.wantHelp)
			}
			if got := strings.Count(stderr.String(), "Usage:"); got != tt.wantUsage {
				t.Errorf("usage printed %d times, want %d:\n%s", got, tt.wantUsage, stderr.String())
			}
			if tt.wantInErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantInErr) {
					t.Errorf("error = %v, want it to contain %q", err, tt.wantInErr)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("error spans lines: %q", err)
				}
				if got := exitCode(err); got != tt.wantStatus {
					t.Errorf("exit code = %d, want %d", got, tt.wantStatus)
				}
			}
		})
	}
}
