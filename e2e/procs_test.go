package e2e

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/test/harness"
)

// testJWTSecret is the BEFORETRIP_JWT_SECRET of every `beforetrip api` the
// tests start (48 bytes; the API needs at least 32).
const testJWTSecret = "e2e-secret-0123456789abcdefghijklmnopqrstuvwxyzAB"

// proc is a subprocess whose output goes to a log file, stopped (SIGTERM,
// then SIGKILL) when the test ends; its log is printed if the test failed.
type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error
}

// StartProc starts name with args; env entries are added to an environment
// from which the caller's BEFORETRIP_* variables are removed, so a
// developer's shell cannot change what the test runs.
func StartProc(tb testing.TB, name string, env []string, args ...string) *proc {
	tb.Helper()
	return StartProcIn(tb, "", name, env, args...)
}

// StartProcIn is StartProc with the working directory dir ("" = ours).
func StartProcIn(tb testing.TB, dir, name string, env []string, args ...string) *proc {
	tb.Helper()
	logPath := filepath.Join(tb.TempDir(), filepath.Base(name)+".log")
	f, err := os.Create(logPath)
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(harness.CleanEnv(), env...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		tb.Fatalf("start %s: %v", name, err)
	}
	p := &proc{name: filepath.Base(name) + " " + strings.Join(args, " "), cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	tb.Cleanup(func() {
		p.stop()
		if tb.Failed() {
			tb.Logf("--- log of %s ---\n%s", p.name, tail(p.log, 20000))
		}
	})
	return p
}

// stop sends SIGTERM and waits up to 10 s before killing.
func (p *proc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// WaitHTTP polls url until it answers (any status below 500), the process
// exits, or timeout passes.
func (p *proc) WaitHTTP(tb testing.TB, url string, timeout time.Duration) {
	tb.Helper()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return
			}
		}
		select {
		case <-p.done:
			tb.Fatalf("%s exited before %s answered: %v\n%s", p.name, url, p.err, tail(p.log, 4000))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s: %s did not answer within %s (last error %v)\n%s", p.name, url, timeout, err, tail(p.log, 4000))
		}
	}
}

// Log returns what the process wrote so far.
func (p *proc) Log() string {
	b, _ := os.ReadFile(p.log)
	return string(b)
}

func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// RunBinary runs beforetrip to completion (build, check) and returns its
// combined output.
func RunBinary(tb testing.TB, args ...string) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, harness.MustBinary(tb), args...)
	cmd.Env = harness.CleanEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("beforetrip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// errNotYet is what WaitFor conditions return while waiting.
var errNotYet = errors.New("not yet")
