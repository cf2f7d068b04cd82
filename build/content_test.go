package build

import (
	"slices"
	"testing"

	"github.com/beforetrip/beforetrip"
)

// TestShippedContent: the sample site in content/ is what readers get, so
// it keeps the promises of the checklist: at least 30 countries, each with
// entry rules (all with official sources: the loader refuses a rule
// without one) for Korean, US, UK, EU and other passports, a Korean name,
// and at least 10 tips written in Korean.
func TestShippedContent(t *testing.T) {
	ts := MustSite(t)
	ts.Content = "../content"
	b := MustBuilder(t, ts, nil)
	MustBuild(t, b)
	if n := len(b.site.countries); n < 30 {
		t.Errorf("%d countries, want at least 30", n)
	}
	for _, c := range b.site.countries {
		var keys []string
		for _, e := range c.Checklist.Entry {
			keys = append(keys, e.Passport)
		}
		for _, want := range []string{"KR", "US", "GB", beforetrip.PassportEU, beforetrip.PassportDefault} {
			if !slices.Contains(keys, want) {
				t.Errorf("%s: no entry rule for %s (has %v)", c.ID, want, keys)
			}
		}
		if c.Checklist.Sources["visa"].URL == "" {
			t.Errorf("%s: the visa field has no official source", c.ID)
		}
	}
	korean := 0
	for _, p := range b.site.pages {
		if p.Kind == beforetrip.KindTip && p.Lang == beforetrip.LangKorean {
			korean++
		}
	}
	if korean < 10 {
		t.Errorf("%d Korean tips, want at least 10", korean)
	}
	t.Logf("%d countries, %d Korean tips", len(b.site.countries), korean)
}
