package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// repoRoot is the module root: themes, deploy files, testdata and cmd are
// read from there. It is "..", or E2E_ROOT when set (to test another tree,
// e.g. a clean export of a commit while the working tree is being edited). binDir holds the beforetrip binary, built at most once per run by
// MustBinary so that tests which need no binary do not wait for it.
var (
	repoRoot string
	binDir   string
	binOnce  sync.Once
	binPath  string
	binErr   error
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	root := ".."
	if r := os.Getenv("E2E_ROOT"); r != "" {
		root = r
	}
	root, err := filepath.Abs(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	repoRoot = root
	binDir, err = os.MkdirTemp("", "beforetrip-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(binDir)
	return m.Run()
}

// MustBinary returns the path of the beforetrip binary, building it with
// `go build` on first use.
func MustBinary(tb testing.TB) string {
	tb.Helper()
	binOnce.Do(func() {
		binPath = filepath.Join(binDir, "beforetrip")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/beforetrip")
		cmd.Dir = repoRoot
		out, err := cmd.CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build ./cmd/beforetrip: %w\n%s", err, out)
		}
	})
	if binErr != nil {
		tb.Fatal(binErr)
	}
	return binPath
}
