package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/watch"
)

func TestAPIRefusesWithoutSecret(t *testing.T) {
	tests := []struct{ name, secret string }{
		{"unset", ""},
		{"short", "only-31-bytes-long-not-enough!!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("BEFORETRIP_JWT_SECRET", tt.secret)
			root := t.TempDir()
			MustCopyTree(t, "../../live/testdata/site", root)
			err := Main(context.Background(), []string{"api", "--config", filepath.Join(root, "config.yaml"),
				"--addr", "127.0.0.1:0"}, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), "BEFORETRIP_JWT_SECRET") || strings.Contains(err.Error(), "\n") {
				t.Errorf("got %v, want one line naming BEFORETRIP_JWT_SECRET", err)
			}
		})
	}
}

// TestAPIRebuildsOnLikes runs `beforetrip api` as in production: it builds
// the output at start (without the live-reload script), serves no static
// files, and rebuilds the pages a like changes into --out, where nginx
// would pick them up. The test waits for the file with fsnotify.
func TestAPIRebuildsOnLikes(t *testing.T) {
	t.Setenv("BEFORETRIP_JWT_SECRET", strings.Repeat("s3cret-", 6))
	root := t.TempDir()
	MustCopyTree(t, "../../live/testdata/site", root)
	MustCopyTree(t, "../../themes/default", filepath.Join(root, "themes", "default"))
	out := filepath.Join(root, "www")

	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	stderr := &syncBuffer{}
	go func() {
		done <- Main(ctx, []string{"api", "--config", filepath.Join(root, "config.yaml"),
			"--addr", "127.0.0.1:0", "--out", out}, outW, stderr)
		outW.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("api returned %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("api did not stop")
		}
	})
	banner := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "beforetrip api listening on ") {
				banner <- sc.Text()
			}
		}
	}()
	s := &testServer{Root: root, stderr: stderr}
	select {
	case line := <-banner:
		s.URL = strings.TrimSuffix(strings.Fields(line)[4], "/api/")
	case err := <-done:
		t.Fatalf("api exited: %v\n%s", err, stderr)
	case <-time.After(60 * time.Second):
		t.Fatal("no banner within 60s")
	}

	const page = "countries/japan/tips/suica"
	file := filepath.Join(out, page, "index.html")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("initial build: %v", err)
	}
	if strings.Contains(string(data), "/_live/") {
		t.Error("production output loads the live-reload script")
	}
	if code, _ := s.get(t, "/"+page+"/"); code != 404 {
		t.Errorf("api served a static page: %d", code)
	}
	if code, _ := s.get(t, "/_live/events"); code != 404 {
		t.Errorf("api serves live reload: %d", code)
	}

	written := make(chan struct{}, 100)
	w, err := watch.New([]string{out}, "", func(watch.Batch) { written <- struct{}{} },
		watch.WithDebounce(10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	wctx, wstop := context.WithCancel(context.Background())
	defer wstop()
	go w.Run(wctx)

	tok := s.MustUser(t, "prod-liker")
	if code := s.api(t, "PUT", "/api/likes?page="+page, tok, nil, nil); code != 200 {
		t.Fatalf("like: %d", code)
	}
	// The country's tips list shows the count; the page itself does not
	// (the widget asks the API), so the like leaves it untouched.
	list := filepath.Join(out, "countries/japan/tips/index.html")
	deadline := time.After(30 * time.Second)
	for {
		listed, _ := os.ReadFile(list)
		if itemLikes(string(listed), page) == "1" {
			break
		}
		select {
		case <-written:
		case <-deadline:
			t.Fatalf("the like never reached %s\n%s", list, tail(stderr.String(), 2000))
		}
	}
	if after, err := os.ReadFile(file); err != nil || string(after) != string(data) {
		t.Errorf("the like rewrote the liked page %s (err %v)", file, err)
	}
}

// itemLikes returns the like count a list shows for page id ("" if absent):
// the first item count after the item's data-page attribute.
func itemLikes(html, id string) string {
	_, rest, ok := strings.Cut(html, `data-page="`+id+`"`)
	if !ok {
		return ""
	}
	_, rest, ok = strings.Cut(rest, `class="bt-item-likes" data-count="`)
	if !ok {
		return ""
	}
	n, _, _ := strings.Cut(rest, `"`)
	return n
}
