package main

import (
	"context"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/test/harness"
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

// MustStartAPI copies the fixture site into a temp folder and runs
// `beforetrip api` on a free port until the test ends, building into
// <root>/www, with any extra flags. It returns the server and that output
// folder.
func MustStartAPI(tb testing.TB, flags ...string) (*testServer, string) {
	tb.Helper()
	tb.Setenv("BEFORETRIP_JWT_SECRET", strings.Repeat("s3cret-", 6))
	root := tb.TempDir()
	MustCopyTree(tb, "../../live/testdata/site", root)
	MustCopyTree(tb, "../../themes/default", filepath.Join(root, "themes", "default"))
	out := filepath.Join(root, "www")
	s := startMain(tb, root, append([]string{"api", "--config", filepath.Join(root, "config.yaml"),
		"--addr", "127.0.0.1:0", "--out", out}, flags...), "beforetrip api listening on ")
	s.URL = strings.TrimSuffix(s.URL, "/api/")
	return s, out
}

// TestAPIReloadsOnHangup: an editor's change is published by SIGHUP (the
// worker reads the content again and builds it all), and the data rebuild
// that a like causes afterwards keeps it: it starts from the reloaded site.
func TestAPIReloadsOnHangup(t *testing.T) {
	s, out := MustStartAPI(t)
	written := watchOut(t, out)
	tip := s.P("content/countries/japan/tips/suica.md")
	MustWriteFile(t, tip, tipMD("Suica after the hang-up", "Reloaded."))
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(out, "countries/japan/tips/suica/index.html")
	list := filepath.Join(out, "countries/japan/tips/index.html")
	waitForFile(t, s, written, list, "the reload", func(html string) bool {
		return strings.Contains(html, "Suica after the hang-up")
	})
	// The build publishes its files one rename at a time: the list may
	// show the new title a moment before the page's own file is renamed.
	waitForFile(t, s, written, page, "the page itself", func(html string) bool {
		return strings.Contains(html, "Reloaded.")
	})
	tok := s.MustUser(t, "hup-liker")
	if code := s.api(t, "PUT", "/api/likes?page=countries/japan/tips/suica", tok, nil, nil); code != 200 {
		t.Fatalf("like: %d", code)
	}
	waitForFile(t, s, written, list, "the like", func(html string) bool {
		return harness.ListedLikes(html, "countries/japan/tips/suica") == "1"
	})
	if data, _ := os.ReadFile(list); !strings.Contains(string(data), "Suica after the hang-up") {
		t.Error("the like's rebuild brought back the old title")
	}
}

// watchOut reports every batch of files written under out (a real
// watcher), so tests wait for the api's builds instead of sleeping.
func watchOut(tb testing.TB, out string) <-chan struct{} {
	tb.Helper()
	written := make(chan struct{}, 100)
	w, err := watch.New([]string{out}, "", func(watch.Batch) {
		select {
		case written <- struct{}{}:
		default:
		}
	}, watch.WithDebounce(10*time.Millisecond))
	if err != nil {
		tb.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	tb.Cleanup(func() { stop(); <-done })
	return written
}

// waitForFile waits until ok holds for the file's content, looking again
// after every batch of writes under the output folder (30 s at most).
func waitForFile(tb testing.TB, s *testServer, written <-chan struct{}, file, what string, ok func(string) bool) {
	tb.Helper()
	deadline := time.After(30 * time.Second)
	for {
		if data, _ := os.ReadFile(file); ok(string(data)) {
			return
		}
		select {
		case <-written:
		case <-deadline:
			tb.Fatalf("%s never reached %s\n%s", what, file, tail(s.stderr.String(), 2000))
		}
	}
}

// TestAPIRebuildsOnLikes runs `beforetrip api` as in production: it builds
// the output at start (without the live-reload script), serves no static
// files, and rebuilds the pages a like changes into --out, where nginx
// would pick them up. The test waits for the file with fsnotify.
func TestAPIRebuildsOnLikes(t *testing.T) {
	s, out := MustStartAPI(t)

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

	written := watchOut(t, out)
	tok := s.MustUser(t, "prod-liker")
	if code := s.api(t, "PUT", "/api/likes?page="+page, tok, nil, nil); code != 200 {
		t.Fatalf("like: %d", code)
	}
	// The country's tips list shows the count; the page itself does not
	// (the widget asks the API), so the like leaves it untouched.
	list := filepath.Join(out, "countries/japan/tips/index.html")
	waitForFile(t, s, written, list, "the like", func(html string) bool { return harness.ListedLikes(html, page) == "1" })
	if after, err := os.ReadFile(file); err != nil || string(after) != string(data) {
		t.Errorf("the like rewrote the liked page %s (err %v)", file, err)
	}
}

// TestOneWriterPerOutputFolder: while `beforetrip api` writes its output
// folder, a `beforetrip build` into it is refused with a message that says
// who holds it and what to do, and changes nothing; so is a second api on
// another data folder.
func TestOneWriterPerOutputFolder(t *testing.T) {
	s, out := MustStartAPI(t)
	before := snapshotTree(t, out)
	MustWriteFile(t, s.P("content/countries/japan/tips/suica.md"), tipMD("Suica from a second writer", "No."))
	var stdout, stderr harness.SyncBuffer
	err := Main(context.Background(), []string{"build", "--config", s.P("config.yaml"), "--out", out}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "being written by beforetrip api (pid") ||
		!strings.Contains(err.Error(), "SIGHUP") {
		t.Fatalf("build into the api's folder: %v", err)
	}
	err = Main(context.Background(), []string{"api", "--config", s.P("config.yaml"), "--out", out,
		"--data", t.TempDir(), "--addr", "127.0.0.1:0"}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "being written by beforetrip api") {
		t.Fatalf("second api on the folder: %v", err)
	}
	if after := snapshotTree(t, out); !maps.Equal(before, after) {
		t.Error("the refused writers changed the output folder")
	}
}

// snapshotTree maps every file under dir to its bytes.
func snapshotTree(tb testing.TB, dir string) map[string]string {
	tb.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		files[p] = string(data)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}
