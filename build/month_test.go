package build

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

const (
	jrPass = "countries/japan/tips/jr-pass"
	script = "countries/japan/tips/script"
	hotel  = "countries/japan/reviews/tokyo-hotel"
	busan  = "countries/south-korea/reviews/busan"
)

// listed returns the page IDs of the list items (data-page) of html, in order.
func listed(html string) []string {
	var ids []string
	for _, part := range strings.Split(html, `data-page="`)[1:] {
		id, _, _ := strings.Cut(part, `"`)
		ids = append(ids, id)
	}
	return ids
}

// TestPopularMonth: /popular/month/ ranks by the likes of the last 30 days
// (older likes count on /popular/ only), the home page shows its first
// items; a like re-renders it incrementally, and so does time as likes age
// out (NextScheduled asks for that rebuild within a day); the result is
// what a full build makes.
func TestPopularMonth(t *testing.T) {
	ts := MustSite(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	data := &memData{}
	for range 3 {
		data.likeAt(jrPass, now.Add(-40*24*time.Hour))
	}
	data.likeAt(hotel, now.Add(-2*24*time.Hour))
	data.likeAt(busan, now.Add(-5*24*time.Hour))
	data.likeAt(busan, now.Add(-6*24*time.Hour))
	b := MustBuilder(t, ts, nil, WithSiteData(data), WithClock(clock))
	MustBuild(t, b)
	month := filepath.Join(ts.Out, "popular/month/index.html")
	if got, want := listed(MustRead(t, month)), []string{busan, hotel}; !slices.Equal(got, want) {
		t.Fatalf("/popular/month/ = %v, want %v", got, want)
	}
	if got := listed(MustRead(t, filepath.Join(ts.Out, "popular/index.html"))); len(got) == 0 || got[0] != jrPass {
		t.Fatalf("/popular/ = %v, want %s first", got, jrPass)
	}
	home := MustRead(t, filepath.Join(ts.Out, "index.html"))
	pop, _, _ := strings.Cut(home[strings.Index(home, `id="popular-title"`):], "</section>")
	if got, want := listed(pop), []string{busan, hotel}; !slices.Equal(got, want) {
		t.Fatalf("home's popular this month = %v, want %v", got, want)
	}
	if at, ok := b.NextScheduled(); !ok || !at.Equal(now.Add(monthRefresh)) {
		t.Fatalf("NextScheduled = %v %v, want a day later", at, ok)
	}

	// Three likes of script now: it leads the month.
	for range 3 {
		data.likeAt(script, now)
	}
	res := MustRebuild(t, b, Changes{Data: []beforetrip.Change{{Kind: beforetrip.ChangeLikes, Page: script}}})
	for _, p := range []string{"popular/month/index.html", "index.html"} {
		if !slices.Contains(res.Written, p) {
			t.Errorf("after a like: %s not rewritten (wrote %v)", p, res.Written)
		}
	}
	if got, want := listed(MustRead(t, month)), []string{script, busan, hotel}; !slices.Equal(got, want) {
		t.Fatalf("after the likes: /popular/month/ = %v, want %v", got, want)
	}

	// 29 days on, with no like: hotel's and busan's likes have aged out.
	now = now.Add(29 * 24 * time.Hour)
	res = MustRebuild(t, b, Changes{})
	if !slices.Contains(res.Written, "popular/month/index.html") {
		t.Errorf("ageing: /popular/month/ not rewritten (wrote %v)", res.Written)
	}
	if got, want := listed(MustRead(t, month)), []string{script}; !slices.Equal(got, want) {
		t.Fatalf("after 29 days: /popular/month/ = %v, want %v", got, want)
	}
	full := testSite{Content: ts.Content, Theme: ts.Theme, Out: t.TempDir()}
	MustBuild(t, MustBuilder(t, full, nil, WithSiteData(data), WithClock(clock)))
	for _, p := range []string{"popular/month/index.html", "index.html", "popular/index.html"} {
		if MustRead(t, filepath.Join(ts.Out, p)) != MustRead(t, filepath.Join(full.Out, p)) {
			t.Errorf("%s differs from a full build", p)
		}
	}
}

// TestPopularPagination: /popular/ spans pages of perPage items up to
// popularTop, linked with rel=prev/next, and the pages follow a like.
func TestPopularPagination(t *testing.T) {
	ts := MustSite(t)
	data := &memData{}
	data.likeAt(busan, time.Now())
	b := MustBuilder(t, ts, nil, WithSiteData(data))
	b.lim.perPage, b.lim.popularTop = 2, 4
	MustBuild(t, b)
	p1 := MustRead(t, filepath.Join(ts.Out, "popular/index.html"))
	p2 := MustRead(t, filepath.Join(ts.Out, "popular/page/2/index.html"))
	if !strings.Contains(p1, `rel="next" href="/popular/page/2/"`) || !strings.Contains(p2, `rel="prev" href="/popular/"`) {
		t.Fatalf("pager links missing:\n%s\n---\n%s", p1, p2)
	}
	if strings.Contains(p2, `rel="next"`) {
		t.Error("page 2 of 2 links a next page")
	}
	// A ranking's pages are more or less popular, not newer or older.
	if !strings.Contains(p1, `href="/popular/page/2/">Less popular →`) || !strings.Contains(p2, `href="/popular/">← More popular`) {
		t.Errorf("pager wording is not a ranking's:\n%s\n---\n%s", p1, p2)
	}
	if strings.Contains(p1+p2, "Newer") || strings.Contains(p1+p2, "Older") {
		t.Error("a popular page says Newer or Older")
	}
	// Every page of the ranking marks Popular as the current section;
	// only /popular/ itself is the current page.
	month := MustRead(t, filepath.Join(ts.Out, "popular/month/index.html"))
	for name, html := range map[string]string{"/popular/": p1, "/popular/page/2/": p2, "/popular/month/": month} {
		want := `<a href="/popular/" aria-current="true">`
		if name == "/popular/" {
			want = `<a href="/popular/" aria-current="page">`
		}
		if nav, _, _ := strings.Cut(html[strings.Index(html, `class="site-nav"`):], "</nav>"); !strings.Contains(nav, want) {
			t.Errorf("%s: nav lacks %s:\n%s", name, want, nav)
		}
	}
	if _, err := os.Stat(filepath.Join(ts.Out, "popular/page/3/index.html")); err == nil {
		t.Error("a third page past popularTop")
	}
	if got := listed(p1); len(got) != 2 || got[0] != busan {
		t.Fatalf("page 1 = %v, want busan first of 2", got)
	}
	last := listed(p2)[1]
	for range 2 {
		data.likeAt(last, time.Now())
	}
	res := MustRebuild(t, b, Changes{Data: []beforetrip.Change{{Kind: beforetrip.ChangeLikes, Page: last}}})
	if !slices.Contains(res.Written, "popular/index.html") || !slices.Contains(res.Written, "popular/page/2/index.html") {
		t.Errorf("a like from the end to the top rewrote %v, want both popular pages", res.Written)
	}
	if got := listed(MustRead(t, filepath.Join(ts.Out, "popular/index.html"))); got[0] != last {
		t.Errorf("page 1 after the likes = %v, want %s first", got, last)
	}
}

// TestHomeAndAbout: the home page starts with its short line and the
// search box, then the countries, popular this month and the latest; the
// long introduction is on /about/.
func TestHomeAndAbout(t *testing.T) {
	ts := MustSite(t)
	MustBuild(t, MustBuilder(t, ts, nil))
	home := MustRead(t, filepath.Join(ts.Out, "index.html"))
	marks := []string{`class="lead"`, `class="home-search"`, `id="countries-title"`, `class="country-grid"`,
		`id="popular-title"`, `id="latest-title"`, `href="/about/"`}
	at := 0
	for _, m := range marks {
		i := strings.Index(home[at:], m)
		if i < 0 {
			t.Fatalf("home: %q missing or out of order (want %v)", m, marks)
		}
		at += i
	}
	if strings.Contains(home, "<strong>the day before</strong>") {
		t.Error("home still shows the long introduction")
	}
	about := MustRead(t, filepath.Join(ts.Out, "about/index.html"))
	if !strings.Contains(about, "<strong>the day before</strong>") {
		t.Errorf("about page lacks the introduction:\n%s", about)
	}
}
