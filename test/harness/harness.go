// Package harness is the one harness of the whole-program tests (e2e/,
// test/durability, test/soak, test/hostile): it builds the beforetrip
// binary once per test process (Main, MustBinary), finds free ports,
// starts `beforetrip api` or `serve` with its own data and output folders,
// waits for it to be healthy, kills and restarts it, and talks to it over
// HTTP with Bearer tokens; it also runs any process with a log (StartProc)
// and nginx in front of a build (StartNginx).
package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

// JWTSecret is the BEFORETRIP_JWT_SECRET of every server the harness starts.
const JWTSecret = "harness-secret-0123456789abcdefghijklmnopqrstuv"

// Password is the password of every account the harness registers.
const Password = "correct horse battery staple"

// Server is one `beforetrip api` at a fixed address that can be killed and
// restarted over the same data folder.
type Server struct {
	Bin, Config, Data, Out, Addr string
	Env                          []string // extra environment (KEY=VALUE)
	// Cmd is the subcommand: "api" (default) or "serve" (static site, API
	// and live reload on one port).
	Cmd string

	tb   testing.TB
	proc *Proc // the current run, nil when stopped
	logs string
	runs int
}

// NewServer prepares a server on a free 127.0.0.1 port with folders in a
// temporary directory and the repository's config.yaml and content. The
// environment has no BEFORETRIP_* variable of the caller's shell, the
// harness's JWT secret and api.limits off.
func NewServer(tb testing.TB, bin string) *Server {
	tb.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", FreePort(tb))
	dir := tb.TempDir()
	s := &Server{Bin: bin, Config: filepath.Join(RepoRoot(tb), "config.yaml"), Data: filepath.Join(dir, "data"),
		Out: filepath.Join(dir, "public"), Addr: addr, tb: tb, logs: filepath.Join(dir, "logs")}
	if err := os.MkdirAll(s.logs, 0o755); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		s.Kill()
		if tb.Failed() {
			s.dumpLog()
		}
	})
	return s
}

// URL is the server's base URL.
func (s *Server) URL() string { return "http://" + s.Addr }

// Store is the path of the server's bbolt file.
func (s *Server) Store() string { return filepath.Join(s.Data, "beforetrip.db") }

func (s *Server) env() []string {
	return append(append(CleanEnv(), "BEFORETRIP_JWT_SECRET="+JWTSecret, "BEFORETRIP_API_LIMITS=off"), s.Env...)
}

// MustBuildSite runs `beforetrip build` into the server's output folder.
func (s *Server) MustBuildSite() {
	s.tb.Helper()
	cmd := exec.Command(s.Bin, "build", "--config", s.Config, "--out", s.Out)
	cmd.Env = s.env()
	if out, err := cmd.CombinedOutput(); err != nil {
		s.tb.Fatalf("beforetrip build: %v\n%s", err, out)
	}
}

// Start runs `beforetrip api` (or Cmd) and waits (up to 30 s) until /api/healthz
// answers.
func (s *Server) Start() {
	s.tb.Helper()
	s.Launch()
	s.waitHealthy()
}

// Launch runs `beforetrip api` (or Cmd) without waiting for it to serve: it is
// then still building the site (to kill it there).
func (s *Server) Launch() {
	s.tb.Helper()
	s.runs++
	sub := s.Cmd
	if sub == "" {
		sub = "api"
	}
	cmd := exec.Command(s.Bin, sub, "--config", s.Config, "--addr", s.Addr, "--data", s.Data, "--out", s.Out)
	cmd.Env = s.env()
	p, err := launch(cmd, s.logFile())
	if err != nil {
		s.tb.Fatalf("start beforetrip %s: %v", sub, err)
	}
	s.proc = p
}

func (s *Server) waitHealthy() {
	s.tb.Helper()
	s.proc.WaitHTTP(s.tb, s.URL()+"/api/healthz", 30*time.Second)
}

// PID is the running server's process ID.
func (s *Server) PID() int { return s.proc.cmd.Process.Pid }

// Kill sends SIGKILL and waits for the process to be gone.
func (s *Server) Kill() { s.signal(syscall.SIGKILL) }

// Stop sends SIGTERM (graceful shutdown) and waits, killing after 10 s.
func (s *Server) Stop() { s.signal(syscall.SIGTERM) }

func (s *Server) signal(sig syscall.Signal) {
	if s.proc == nil {
		return
	}
	s.proc.Signal(sig)
	s.proc = nil
}

// Log returns what the current run (the last one launched) has logged so
// far: tests wait on its lines, e.g. the worker's "live: built".
func (s *Server) Log() string {
	data, _ := os.ReadFile(s.logFile())
	return string(data)
}

func (s *Server) logFile() string {
	return filepath.Join(s.logs, fmt.Sprintf("run-%03d.log", s.runs))
}

// dumpLog prints the end of the last run's log.
func (s *Server) dumpLog() {
	data, err := os.ReadFile(s.logFile())
	if err != nil {
		return
	}
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	s.tb.Logf("last server log (run %d):\n%s", s.runs, data)
}

// Client calls the API. Its zero Token means anonymous.
type Client struct {
	Base  string
	Token string
	HC    *http.Client
}

// NewClient returns a client of the server with a 10 s timeout per request
// and its own connection pool.
func (s *Server) NewClient() *Client { return NewClient(s.URL(), 10*time.Second) }

// NewClient returns an anonymous client of the API at base
// (scheme://host) with its own connection pool and timeout per request (0:
// none, for tests that wait on a loaded machine rather than fail).
func NewClient(base string, timeout time.Duration) *Client {
	return &Client{Base: base, HC: &http.Client{Timeout: timeout,
		Transport: &http.Transport{MaxIdleConnsPerHost: 4}}}
}

// ErrNoAnswer wraps transport failures: the request may or may not have
// reached the server, so the caller cannot know whether it took effect.
var ErrNoAnswer = errors.New("no answer")

// Do sends a JSON request and returns the status and body. A transport
// failure (refused, reset, timeout) is an error wrapping ErrNoAnswer.
func (c *Client) Do(ctx context.Context, method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	res, err := c.HC.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w: %w", method, path, ErrNoAnswer, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w: %w", method, path, ErrNoAnswer, err)
	}
	return res.StatusCode, data, nil
}

// MustAccount registers name and returns a client holding a Bearer token
// from POST /api/auth/token.
func (s *Server) MustAccount(tb testing.TB, name string) *Client {
	tb.Helper()
	c := s.NewClient()
	c.MustRegister(tb, name, Password)
	return c
}

// MustRegister registers the reader name (mail name@example.com) with
// password, then logs in through POST /api/auth/token: c holds the Bearer
// token from then on, and MustRegister returns it.
func (c *Client) MustRegister(tb testing.TB, name, password string) string {
	tb.Helper()
	ctx := context.Background()
	st, data, err := c.Do(ctx, "POST", "/api/auth/register",
		map[string]string{"username": name, "email": name + "@example.com", "password": password})
	if err != nil || st != http.StatusCreated {
		tb.Fatalf("register %s: %d %s %v", name, st, data, err)
	}
	st, data, err = c.Do(ctx, "POST", "/api/auth/token", map[string]string{"login": name, "password": password})
	if err != nil || st != http.StatusOK {
		tb.Fatalf("token %s: %d %s %v", name, st, data, err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(data, &tok); err != nil || tok.AccessToken == "" {
		tb.Fatalf("token %s: %s", name, data)
	}
	c.Token = tok.AccessToken
	return c.Token
}

// Pages reads the built site's manifest: its pages by kind.
func (s *Server) Pages(tb testing.TB) map[string][]beforetrip.PageMeta {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(s.Out, beforetrip.ManifestFile))
	if err != nil {
		tb.Fatal(err)
	}
	var m beforetrip.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		tb.Fatal(err)
	}
	out := map[string][]beforetrip.PageMeta{}
	for _, p := range m.Pages {
		out[p.Kind] = append(out[p.Kind], p)
	}
	return out
}

// Decode unmarshals a JSON response body.
func Decode(data []byte, v any) error { return json.Unmarshal(data, v) }
