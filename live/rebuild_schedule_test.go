package live_test

import (
	"fmt"
	"testing"
	"time"
)

// TestScheduledPagePublishedOnTime: a tip dated a few seconds ahead is
// held back by the build that loads it, and the worker rebuilds by itself
// when its date comes: nobody touches a file or calls the API.
func TestScheduledPagePublishedOnTime(t *testing.T) {
	s := MustSite(t)
	w := MustRun(t, s.Config)
	at := time.Now().Add(3 * time.Second).Truncate(time.Second).Add(time.Second)
	p := s.P("content/countries/japan/tips/hanami.md")
	MustWrite(t, p, fmt.Sprintf("---\ntitle: Hanami at dawn\ndate: %s\n---\nGo early.\n", at.Format(time.RFC3339)))
	w.FilesChanged([]string{p}, time.Now())
	r := w.Next(t)
	if r.Err != nil || r.Build == nil {
		t.Fatalf("build of the new file: %v", r.Err)
	}
	if r.Done.Before(at) {
		// The machine may be slow enough that the date passed meanwhile;
		// only a build that ended before it must have held the page back.
		if r.Build.Scheduled != 1 || s.Read(t, "countries/japan/tips/hanami/index.html") != "" ||
			contains(s.Read(t, "countries/japan/tips/index.html"), "Hanami at dawn") {
			t.Fatalf("a page dated %s is published by a build at %s", at, r.Done)
		}
		r = w.Next(t)
		if r.Err != nil || !r.Due || len(r.Files) != 0 {
			t.Fatalf("expected the scheduled rebuild, got due %v files %v err %v", r.Due, r.Files, r.Err)
		}
		if r.Started.Before(at) {
			t.Fatalf("rebuilt at %s, before the page's date %s", r.Started, at)
		}
	}
	if r.Build.Scheduled != 0 {
		t.Fatalf("%d still scheduled", r.Build.Scheduled)
	}
	for _, f := range []string{"countries/japan/tips/hanami/index.html", "countries/japan/tips/index.html", "feed.xml", "sitemap.xml"} {
		if !contains(s.Read(t, f), "hanami") && !contains(s.Read(t, f), "Hanami at dawn") {
			t.Errorf("%s does not show the page once its date came", f)
		}
	}
}
