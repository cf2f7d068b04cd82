package e2e

import (
	"fmt"
	"os"
	"testing"

	"github.com/beforetrip/beforetrip/test/harness"
)

// repoRoot is the tree under test (harness.Root): themes, deploy files,
// testdata and cmd are read from there.
var repoRoot string

func TestMain(m *testing.M) {
	root, err := harness.Root()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	repoRoot = root
	os.Exit(harness.Main(m))
}
