package store

import (
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

func TestParseAccountTokenRefusesGarbage(t *testing.T) {
	raw, _ := beforetrip.NewAccountToken(beforetrip.TokenReset, 1, "", time.Now(), time.Hour)
	for _, s := range []string{"", "x", raw[:len(raw)-1], raw + "A", "!" + raw[1:]} {
		if _, err := beforetrip.ParseAccountToken(s); beforetrip.ErrorCode(err) != beforetrip.EINVALID {
			t.Errorf("ParseAccountToken(%q) = %v, want invalid", s, err)
		}
	}
}

// TestParseAccountTokenIsCanonical: a mailed token has one spelling. The
// verifier's last character holds two padding bits; flipping one must not
// give a second token that passes (CI once drew a token ending in "AA" the
// reset test had tampered to "AA").
func TestParseAccountTokenIsCanonical(t *testing.T) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	raw, _ := beforetrip.NewAccountToken(beforetrip.TokenReset, 1, "", time.Now(), time.Hour)
	if _, err := beforetrip.ParseAccountToken(raw); err != nil {
		t.Fatalf("fresh token refused: %v", err)
	}
	last := strings.IndexByte(alphabet, raw[len(raw)-1])
	for _, pad := range []int{1, 2, 3} {
		s := raw[:len(raw)-1] + string(alphabet[last^pad])
		if _, err := beforetrip.ParseAccountToken(s); beforetrip.ErrorCode(err) != beforetrip.EINVALID {
			t.Errorf("ParseAccountToken(%q) = %v, want invalid (same bytes as %q)", s, err, raw)
		}
	}
}
