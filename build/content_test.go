package build

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip"
)

// TestShippedContent: the sample site in content/ is what readers get, so
// it keeps the promises of the checklist: at least 30 countries, each with
// entry rules (all with official sources: the loader refuses a rule
// without one) for Korean, US, UK, EU and other passports, a Korean name,
// and at least 10 tips written in Korean. It has pictures: a country with a
// cover on every continent (shown in the home page's grid) and a resized
// photo cover in a page bundle (shown with srcset in its list).
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
	shippedPictures(t, b, ts.Out)
}

// shippedPictures checks the sample site's covers (the loader refuses a
// cover without alt text).
func shippedPictures(t *testing.T, b *Builder, out string) {
	covered := map[string]bool{}
	for _, c := range b.site.countries {
		if c.Cover != nil {
			covered[c.Checklist.Continent] = true
		}
	}
	for _, name := range continents {
		if !covered[name] {
			t.Errorf("no country of %s has a cover", name)
		}
	}
	home := MustRead(t, filepath.Join(out, "index.html"))
	grid := home[strings.Index(home, `class="country-grid"`):strings.Index(home, `id="popular-title"`)]
	if n := strings.Count(grid, `<img class="cover"`); n < len(continents) {
		t.Errorf("the home page's country grid shows %d covers, want at least %d", n, len(continents))
	}
	photo := regexp.MustCompile(`<img class="cover" src="/media/\w+-\d+\.webp" srcset="[^"]+ 480w, [^"]+ 960w, [^"]+ 1600w" sizes="7rem" width="1600" height="\d+" alt="[^"]+" loading="lazy"`)
	if list := MustRead(t, filepath.Join(out, "countries/vietnam/reviews/index.html")); !photo.MatchString(list) {
		t.Errorf("the Vietnam reviews list lacks the train photo as a lazy responsive cover:\n%s", list)
	}
}
