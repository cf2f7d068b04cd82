package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestServeSecret(t *testing.T) {
	t.Run("generated once, 0600, reused", func(t *testing.T) {
		dir := t.TempDir()
		first, err := serveSecret(&Config{}, dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(first) != 64 {
			t.Errorf("secret is %d bytes, want 64 (32 random bytes, hex)", len(first))
		}
		fi, err := os.Stat(filepath.Join(dir, "jwt.secret"))
		if err != nil {
			t.Fatal(err)
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("mode %o, want 600", mode)
		}
		again, err := serveSecret(&Config{}, dir)
		if err != nil || string(again) != string(first) {
			t.Errorf("second start: %q, %v; want the same secret", again, err)
		}
	})
	tests := []struct {
		name, env, file, wantErr string
	}{
		{"env wins", strings.Repeat("e", 32), "", ""},
		{"short env", "short", "", "at least 32"},
		{"short file", "", "tiny", "need at least 32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.file != "" {
				if err := os.WriteFile(filepath.Join(dir, "jwt.secret"), []byte(tt.file), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			got, err := serveSecret(&Config{JWTSecret: tt.env}, dir)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("got %v, want error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || string(got) != tt.env {
				t.Errorf("got %q, %v; want the env secret", got, err)
			}
		})
	}
}
