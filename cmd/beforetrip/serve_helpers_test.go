package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/test/harness"
)

// testServer is `beforetrip serve` running on a copy of the live/ fixture
// site, driven through Main as a user would run it.
type testServer struct {
	Root, URL string
	events    chan sseEvent
	stderr    *harness.SyncBuffer
	stdout    *harness.SyncBuffer
}

// MustCopyTree copies a folder tree (os.CopyFS: dst may exist, its files
// may not).
func MustCopyTree(tb testing.TB, src, dst string) {
	tb.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		tb.Fatal(err)
	}
}

// MustStartServe copies the fixture site into a temp folder, runs
// `beforetrip serve` on a free port until the test ends, and subscribes to
// its live-reload events.
func MustStartServe(tb testing.TB, extraArgs ...string) *testServer {
	tb.Helper()
	root := tb.TempDir()
	MustCopyTree(tb, "../../live/testdata/site", root)
	MustCopyTree(tb, "../../themes/default", filepath.Join(root, "themes", "default"))
	return MustStartServeAt(tb, root, extraArgs...)
}

// MustStartServeAt runs `beforetrip serve` on the site whose config.yaml is
// in root.
func MustStartServeAt(tb testing.TB, root string, extraArgs ...string) *testServer {
	tb.Helper()
	tb.Setenv("BEFORETRIP_JWT_SECRET", "")
	s := startMain(tb, root, append([]string{"serve", "--config", filepath.Join(root, "config.yaml"),
		"--addr", "127.0.0.1:0"}, extraArgs...), "beforetrip serving ")
	s.URL = strings.TrimSuffix(s.URL, "/")
	s.events = make(chan sseEvent, 1000)
	resp, err := http.Get(s.URL + "/_live/events")
	if err != nil {
		tb.Fatal(err)
	}
	go readSSE(resp.Body, s.events)
	if ev := s.next(tb); ev.Name != "hello" {
		tb.Fatalf("first event %q, want hello", ev.Name)
	}
	return s
}

// startMain runs Main with args, as the binary would run, until the test
// ends, and waits for the stdout line that starts with banner: its first
// URL becomes the server's URL. The wait is long because a loaded CI
// machine may take minutes for the first build; it is a bound, not a pace.
func startMain(tb testing.TB, root string, args []string, banner string) *testServer {
	tb.Helper()
	s := &testServer{Root: root, stderr: &harness.SyncBuffer{}, stdout: &harness.SyncBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- Main(ctx, args, outW, s.stderr)
		outW.Close()
	}()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			line := sc.Text()
			s.stdout.Write([]byte(line + "\n"))
			if strings.HasPrefix(line, banner) {
				found <- line
			}
		}
	}()
	tb.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				tb.Errorf("%s returned %v", args[0], err)
			}
		case <-time.After(20 * time.Second):
			tb.Errorf("%s did not stop within 20s of cancel", args[0])
		}
	})
	select {
	case line := <-found:
		s.URL = urlIn(line)
	case err := <-done:
		tb.Fatalf("%s exited: %v\n%s", args[0], err, s.stderr)
	case <-time.After(10 * time.Minute):
		tb.Fatalf("no %q line within 10 minutes\n%s", banner, s.stderr)
	}
	return s
}

// urlIn returns the first http(s) URL among a line's words.
func urlIn(line string) string {
	for _, f := range strings.Fields(line) {
		if strings.HasPrefix(f, "http://") || strings.HasPrefix(f, "https://") {
			return f
		}
	}
	return ""
}

// P returns the absolute path of a site-relative path.
func (s *testServer) P(rel string) string { return filepath.Join(s.Root, filepath.FromSlash(rel)) }

// sseEvent is one server-sent event, with its JSON data decoded.
type sseEvent struct {
	Name  string
	Paths []string `json:"paths"`
	All   bool     `json:"all"`
	Error string   `json:"error"`
}

func readSSE(body io.ReadCloser, out chan<- sseEvent) {
	defer close(out)
	defer body.Close()
	sc := bufio.NewScanner(body)
	sc.Buffer(nil, 1<<20)
	var ev sseEvent
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			ev.Name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev)
		case line == "" && ev.Name != "":
			out <- ev
			ev = sseEvent{}
		}
	}
}

func (s *testServer) next(tb testing.TB) sseEvent {
	tb.Helper()
	select {
	case ev, ok := <-s.events:
		if !ok {
			tb.Fatalf("the server closed the live-reload stream; log without requests:\n%s", tail(s.logWithoutRequests(), 3000))
		}
		return ev
	case <-time.After(30 * time.Second):
		tb.Fatalf("no live-reload event within 30s; server log without requests:\n%s", tail(s.logWithoutRequests(), 3000))
	}
	return sseEvent{}
}

// reloaded waits for the next build: it must succeed ("reload" for file
// builds, "data" for builds caused by the API) and list url (unless url is
// "").
func (s *testServer) reloaded(tb testing.TB, url string) sseEvent {
	tb.Helper()
	ev := s.next(tb)
	if ev.Name != "reload" && ev.Name != "data" {
		tb.Fatalf("got %s event (%s), want reload or data", ev.Name, ev.Error)
	}
	if url != "" && !ev.All && !contains(ev.Paths, url) {
		tb.Fatalf("reload paths %q lack %q", ev.Paths, url)
	}
	return ev
}

// waitFor waits for a successful build that lists url, skipping others
// (debounced data builds may come in several steps).
func (s *testServer) waitFor(tb testing.TB, url string) sseEvent {
	tb.Helper()
	for {
		if ev := s.reloaded(tb, ""); ev.All || contains(ev.Paths, url) {
			return ev
		}
	}
}

// MustFindLayout returns the theme's base layout (every page uses it):
// layouts/baseof.html, or else the first layout that closes </body>.
func MustFindLayout(tb testing.TB, theme string) string {
	tb.Helper()
	base := filepath.Join(theme, "layouts", "baseof.html")
	if _, err := os.Stat(base); err == nil {
		return base
	}
	var found string
	filepath.WalkDir(theme, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || found != "" || !strings.HasSuffix(p, ".html") {
			return err
		}
		if data, err := os.ReadFile(p); err == nil && strings.Contains(string(data), "</body>") {
			found = p
		}
		return nil
	})
	if found == "" {
		tb.Fatal("no layout with </body> in the theme")
	}
	return found
}

// lastLogLine is the last line of the server's log holding msg.
func (s *testServer) lastLogLine(tb testing.TB, msg string) string {
	tb.Helper()
	lines := strings.Split(s.stderr.String(), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], msg) {
			return lines[i]
		}
	}
	tb.Fatalf("no %q in the server's log", msg)
	return ""
}

// logWithoutRequests is the server's log without the per-request lines.
func (s *testServer) logWithoutRequests() string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s.stderr.String(), "\n") {
		if !strings.Contains(line, "msg=request ") {
			b.WriteString(line)
		}
	}
	return b.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// get fetches a path and returns status and body.
func (s *testServer) get(tb testing.TB, path string) (int, string) {
	tb.Helper()
	resp, err := http.Get(s.URL + path)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// api calls the API with an optional Bearer token and decodes the JSON
// answer into out (if not nil).
func (s *testServer) api(tb testing.TB, method, path, token string, body any, out any) int {
	tb.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.URL+path, r)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			tb.Fatalf("%s %s: %v: %s", method, path, err, data)
		}
	}
	return resp.StatusCode
}

// MustUser registers a reader and returns a Bearer token for it.
func (s *testServer) MustUser(tb testing.TB, name string) string {
	tb.Helper()
	return harness.NewClient(s.URL, 0).MustRegister(tb, name, "correct horse "+name)
}

// tipMD is a tip file.
func tipMD(title, body string) string {
	return fmt.Sprintf("---\ntitle: %q\ndate: 2026-10-01\ntags: [\"rail\"]\n---\n%s\n", title, body)
}
