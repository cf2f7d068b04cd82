package e2e

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/test/harness"
)

// testJWTSecret is the BEFORETRIP_JWT_SECRET of every `beforetrip api` the
// tests start (48 bytes; the API needs at least 32).
const testJWTSecret = "e2e-secret-0123456789abcdefghijklmnopqrstuvwxyzAB"

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
