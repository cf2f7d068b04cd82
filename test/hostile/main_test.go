package hostile

import (
	"os"
	"testing"

	"github.com/beforetrip/beforetrip/test/harness"
)

// TestMain lets harness.MustBinary build the binary once for the package.
func TestMain(m *testing.M) { os.Exit(harness.Main(m)) }
