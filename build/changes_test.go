package build

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestChangesPageAndFeed: the changes of every country, newest first, on
// /changes/ (with stable anchors), as entries of /feed.xml among the tips
// and reviews by date, and in the manifest and sitemap.
func TestChangesPageAndFeed(t *testing.T) {
	ts := MustSite(t)
	kr := MustRead(t, ts.Path("countries/south-korea/_index.md"))
	MustWrite(t, ts.Path("countries/south-korea/_index.md"), strings.Replace(kr, "driving_side: right\n",
		"driving_side: right\nchanges:\n  - {date: 2025-01-07, text: \"K-ETA exemption extended.\"}\n  - {date: 2025-03-10, text: \"e-Arrival card online.\"}\n", 1))
	MustBuild(t, MustBuilder(t, ts, nil))
	page := MustRead(t, filepath.Join(ts.Out, "changes/index.html"))
	order := []string{"e-Arrival card online.", "K-ETA exemption extended.", "Checked the visa rules: nothing changed.",
		"Arrival card moved online (Visit Japan Web)."}
	at := 0
	for _, s := range order {
		i := strings.Index(page[at:], s)
		if i < 0 {
			t.Fatalf("/changes/ lacks %q after position %d (not newest first?)", s, at)
		}
		at += i
	}
	if !strings.Contains(page, `<li id="south-korea-2025-03-10-`) {
		t.Errorf("/changes/ entries have no country-date anchor")
	}
	feed := MustRead(t, filepath.Join(ts.Out, "feed.xml"))
	i, j := strings.Index(feed, "<title>South Korea: e-Arrival card online.</title>"), strings.Index(feed, "<title>서울 지하철 타는 법</title>")
	if i < 0 || j < 0 || i > j {
		t.Errorf("feed lacks the change, or does not put the 2025-03-10 change before the 2025-03-05 tip:\n%s", feed)
	}
	if !strings.Contains(feed, "<id>https://example.org/changes/#south-korea-2025-03-10-") {
		t.Errorf("feed entry of a change has no stable ID")
	}
	if !strings.Contains(MustRead(t, filepath.Join(ts.Out, "sitemap.xml")), "<loc>https://example.org/changes/</loc>") {
		t.Errorf("sitemap lacks /changes/")
	}
	if !strings.Contains(MustRead(t, filepath.Join(ts.Out, "countries/south-korea/index.html")), `<a href="/changes/">All changes →</a>`) {
		t.Errorf("country card does not link /changes/")
	}
}
