package store

import (
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
