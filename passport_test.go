package beforetrip

import (
	"strings"
	"testing"
)

func TestValidPassport(t *testing.T) {
	if n := len(strings.Fields(iso3166)); n != 250 {
		t.Errorf("iso3166 holds %d codes, want 249 assigned + XK", n)
	}
	for _, tc := range []struct {
		key  string
		want bool
	}{
		{"KR", true}, {"US", true}, {"GB", true}, {"JP", true}, {"CN", true}, {"EU", true}, {"default", true},
		{"XK", true}, {"ZW", true}, {"AD", true},
		{"kr", false}, {"UK", false}, {"EN", false}, {"DA", false}, {"Default", false}, {"KOR", false},
		{"", false}, {"K", false}, {"E ", false}, {"XX", false},
	} {
		if got := ValidPassport(tc.key); got != tc.want {
			t.Errorf("ValidPassport(%q) = %v, want %v", tc.key, got, tc.want)
		}
	}
}

func TestCheckSourceURL(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"https://www.gov.uk/guidance/apply-for-an-electronic-travel-authorisation-eta", true},
		{"http://www.mofa.go.jp/j_info/visit/visa/", true},
		{"https://www.k-eta.go.kr/portal/apply/index.do?lang=en#top", true},
		{"www.gov.uk/eta", false},
		{"javascript:alert(1)", false},
		{"ftp://example.org/x", false},
		{"https://", false},
		{"https://localhost/x", false},
		{"https://user:pw@example.org/", false},
		{"https://exa mple.org/", false},
		{"https://example.org/a b", false},
		{"/countries/japan/", false},
	} {
		if msg := CheckSourceURL(tc.url); (msg == "") != tc.ok {
			t.Errorf("CheckSourceURL(%q) = %q, want ok=%v", tc.url, msg, tc.ok)
		}
	}
}
