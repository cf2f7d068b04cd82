package harness

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The binary is built at most once per test process, into binDir (made by
// Main), so that a package of many whole-program tests compiles it once and
// tests that need no binary do not wait for it.
var (
	binDir  string
	binOnce sync.Once
	binPath string
	binErr  error
)

// Main is the TestMain of a package of whole-program tests: it gives
// MustBinary a folder that outlives each test and removes it after m.Run.
// Use it as `func TestMain(m *testing.M) { os.Exit(harness.Main(m)) }`.
func Main(m *testing.M) int {
	dir, err := os.MkdirTemp("", "beforetrip-test-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "harness:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binDir = dir
	return m.Run()
}

// Root returns the tree under test: E2E_ROOT when set (to test another
// tree, e.g. a clean export of a commit while the working tree is being
// edited), else the module root (the folder holding go.mod) above the
// working directory.
func Root() (string, error) {
	if r := os.Getenv("E2E_ROOT"); r != "" {
		return filepath.Abs(r)
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("harness: go.mod not found above the working directory")
		}
		dir = parent
	}
}

// RepoRoot is Root for a test: it fails the test when there is none.
func RepoRoot(tb testing.TB) string {
	tb.Helper()
	root, err := Root()
	if err != nil {
		tb.Fatal(err)
	}
	return root
}

// MustBinary returns the path of the beforetrip binary built from
// RepoRoot's ./cmd/beforetrip: once per process under Main, else into the
// test's temporary folder.
func MustBinary(tb testing.TB) string {
	tb.Helper()
	if binDir == "" {
		bin := filepath.Join(tb.TempDir(), "beforetrip")
		if err := goBuild(RepoRoot(tb), bin); err != nil {
			tb.Fatal(err)
		}
		return bin
	}
	binOnce.Do(func() {
		binPath = filepath.Join(binDir, "beforetrip")
		root, err := Root()
		if err == nil {
			err = goBuild(root, binPath)
		}
		binErr = err
	})
	if binErr != nil {
		tb.Fatal(binErr)
	}
	return binPath
}

func goBuild(root, bin string) error {
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/beforetrip")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/beforetrip: %w\n%s", err, out)
	}
	return nil
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// WaitFor polls cond every 50 ms until it returns nil or timeout passes,
// and fails with cond's last error.
func WaitFor(tb testing.TB, timeout time.Duration, what string, cond func() error) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s: not true after %s: %v", what, timeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// CleanEnv is the test process's environment without BEFORETRIP_*
// variables, so that a developer's shell cannot change what a test runs.
func CleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "BEFORETRIP_") {
			env = append(env, kv)
		}
	}
	return env
}
