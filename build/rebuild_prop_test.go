package build

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/search"
)

// The property test's seed, length and batch size: BEFORETRIP_PROP_SEED
// ("7" or "7,9", the two words of the PCG seed), BEFORETRIP_PROP_STEPS and
// BEFORETRIP_PROP_BATCH override the shipped ones, so a failure seen with
// any seed can be replayed: the failure message prints the command.
const (
	propSeedEnv  = "BEFORETRIP_PROP_SEED"
	propStepsEnv = "BEFORETRIP_PROP_STEPS"
	propBatchEnv = "BEFORETRIP_PROP_BATCH"
)

// propConfig says which edits a run of the property test makes.
type propConfig struct {
	seed  [2]uint64
	steps int
	// batch, when over 1, makes each step 1 to batch random edits
	// announced in one Rebuild, as the watcher's debounce and the live
	// worker's queue merge them.
	batch int
}

// TestRebuildMatchesFullBuild applies random edits (titles, bodies, dates,
// tags, weights, drafts, new and deleted pages, pages of their own and
// their translations, likes (in the window ranking until the clock moves
// past them), comments, reader
// reviews, time passing over scheduled pages) one at a time and checks after every Rebuild that the output
// folder equals a full build of the same input: the dependency graph
// misses nothing, pagination and truncated lists included, and the search
// index (search/) is byte for byte the one a full build writes.
func TestRebuildMatchesFullBuild(t *testing.T) {
	cfg := propConfig{seed: [2]uint64{1, 2}, steps: 50}
	if v := os.Getenv(propSeedEnv); v != "" {
		a, b, _ := strings.Cut(v, ",")
		s1, err1 := strconv.ParseUint(a, 10, 64)
		s2, err2 := strconv.ParseUint(cmp.Or(b, "0"), 10, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s=%q: want N or N,M", propSeedEnv, v)
		}
		cfg.seed = [2]uint64{s1, s2}
	}
	for env, n := range map[string]*int{propStepsEnv: &cfg.steps, propBatchEnv: &cfg.batch} {
		if v := os.Getenv(env); v != "" {
			var err error
			if *n, err = strconv.Atoi(v); err != nil || *n < 1 {
				t.Fatalf("%s=%q: want a positive number", env, v)
			}
		}
	}
	runProp(t, cfg)
}

// TestRebuildMatchesFullBuildSeeds runs the property over more seeds than
// the shipped one: each walks other edit sequences, and the shipped seed
// alone missed the bugs TestRebuildLastRankedPageDeleted and
// TestOfflineAfterReorder now pin. The last two runs batch edits.
// -short walks fewer steps.
func TestRebuildMatchesFullBuildSeeds(t *testing.T) {
	steps := 80
	if testing.Short() {
		steps = 25
	}
	for _, cfg := range []propConfig{{seed: [2]uint64{1, 9}}, {seed: [2]uint64{3, 9}}, {seed: [2]uint64{6, 9}},
		{seed: [2]uint64{42, 9}}, {seed: [2]uint64{5, 9}}, {seed: [2]uint64{1, 4}, batch: 3}, {seed: [2]uint64{2, 4}, batch: 3}} {
		cfg.steps = steps
		t.Run(fmt.Sprintf("%d,%d/%d", cfg.seed[0], cfg.seed[1], cfg.batch), func(t *testing.T) {
			t.Parallel()
			runProp(t, cfg)
		})
	}
}

// propRun is one run of the property test: a site, its builder and the
// random edits made to it so far.
type propRun struct {
	t     *testing.T
	ts    testSite
	data  *memData
	b     *Builder
	r     *rand.Rand
	now   time.Time
	files []string // tips and reviews we created
}

var (
	propDay       = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	propCountries = []string{"japan", "south-korea"}
	propTags      = []string{"rail", "Rail", "money", "food", "교통", "hotels"}
	propWords     = []string{"visas", "tipping", "교통카드를", "교통카드로", "café", "Việt", "ferries", "ferry", "## Heading", "sim"}
	// Tiny lists, so pagination and truncation happen on a small site.
	propLimits = limits{perPage: 3, homeLatest: 2, countryLatest: 2, popular: 3, feed: 4, popularJSONTop: 5, popularJSONPer: 2}
)

// builder returns a builder of the run's site writing to out, with tiny
// lists and tiny search shards (so that edits touch some shards and not
// others).
func (pr *propRun) builder(ts testSite, data beforetrip.SiteData) *Builder {
	b := MustBuilder(pr.t, ts, nil, WithSiteData(data), WithClock(func() time.Time { return pr.now }))
	b.lim = propLimits
	b.searchShards = [2]int{16, 1}
	return b
}

func runProp(t *testing.T, cfg propConfig) {
	seed := cfg.seed
	// Pages are dated over 60 days and the clock starts in the middle,
	// so about half of them are scheduled until the clock passes them.
	pr := &propRun{t: t, ts: MustSite(t), data: &memData{}, r: rand.New(rand.NewPCG(seed[0], seed[1])), now: propDay.AddDate(0, 0, 30)}
	pr.b = pr.builder(pr.ts, pr.data)
	MustBuild(t, pr.b)
	if files, err := search.EntryFiles([]byte(MustRead(t, filepath.Join(pr.ts.Out, search.EntryPath)))); err != nil || len(files) < 8 {
		t.Fatalf("want several index shards to edit: %v %v", files, err)
	}
	var history []string
	defer func() {
		if t.Failed() {
			t.Logf("edits:\n%s", strings.Join(history, "\n"))
			t.Logf("replay: %s=%d,%d %s=%d %s=%d go test ./build/ -run 'TestRebuildMatchesFullBuild$'",
				propSeedEnv, seed[0], seed[1], propStepsEnv, len(history), propBatchEnv, max(cfg.batch, 1))
		}
	}()
	scheduled, cameDue := 0, 0 // pages held back; steps that moved the clock and published some
	ranked := 0                // steps whose window ranking listed pages
	for step := range cfg.steps {
		if step%10 == 5 {
			pr.restart(step)
			history = append(history, fmt.Sprintf("%d: restart", step))
		}
		before := pr.now
		ch, what := pr.edits(cfg.batch)
		history = append(history, fmt.Sprintf("%d: %s", step, what))
		res := MustRebuild(t, pr.b, ch)
		full := testSite{Content: pr.ts.Content, Theme: pr.ts.Theme, Out: t.TempDir()}
		// Without a like, a rebuild reads the window counts again only
		// once they are monthRefresh old (month.go): the full build
		// reads them as of the same time, which must be that recent.
		if age := pr.now.Sub(pr.b.monthAt); age >= monthRefresh {
			t.Fatalf("step %d (%s): window counts %v old", step, what, age)
		}
		fres := MustBuild(t, pr.builder(full, windowAsOf{pr.data, pr.b.monthAt}))
		if res.Scheduled != fres.Scheduled {
			t.Fatalf("step %d (%s): %d scheduled, a full build says %d", step, what, res.Scheduled, fres.Scheduled)
		}
		if pr.now.After(before) && res.Scheduled < scheduled {
			cameDue++
		}
		scheduled = res.Scheduled
		if p, why := sameOutput(t, full.Out, pr.ts.Out); p != "" {
			t.Fatalf("step %d (%s): %s %s", step, what, p, why)
		}
		if strings.Contains(MustRead(t, filepath.Join(full.Out, pagePath(monthID))), `class="bt-item`) {
			ranked++
		}
	}
	if cameDue == 0 && cfg.steps >= 50 {
		t.Fatal("no scheduled page came due: the test does not cover the schedule")
	}
	if ranked == 0 && cfg.steps >= 50 {
		t.Fatal("the window ranking never listed a page: the test does not cover it")
	}
}

// restart is serve started again over unchanged content: a full build of
// a new builder (the render cache's record then describes the published
// index), and another that must keep the index as published. Every other
// time PrepareRebuild builds the index then, else the next edit's Rebuild
// does (loadSearch).
func (pr *propRun) restart(step int) {
	pr.b = pr.builder(pr.ts, pr.data)
	MustBuild(pr.t, pr.b)
	pr.b = pr.builder(pr.ts, pr.data)
	if !MustBuild(pr.t, pr.b).IndexKept {
		pr.t.Fatalf("step %d: a restart over unchanged content built the search index", step)
	}
	if step%20 == 15 { // as a server does when idle; else the next Rebuild does it
		if err := pr.b.PrepareRebuild(); err != nil || pr.b.search == nil {
			pr.t.Fatalf("step %d: PrepareRebuild: %v, index %v", step, err, pr.b.search)
		}
	}
}

// sameOutput compares an incremental output folder with a full build's
// and returns the first path that differs, and how.
func sameOutput(t *testing.T, full, incr string) (path, why string) {
	want, got := snapshotBytes(t, full), snapshotBytes(t, incr)
	for p, w := range want {
		if p != beforetrip.ManifestFile && p != outputsFile && got[p] != w {
			return p, "differs from a full build"
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			return p, "left behind"
		}
	}
	return "", ""
}

// rel is path relative to the content folder, for messages.
func (pr *propRun) rel(path string) string { return strings.TrimPrefix(path, pr.ts.Content+"/") }

func (pr *propRun) pick(list []string) string { return list[pr.r.IntN(len(list))] }

// write writes a tip or review with random front matter and body.
func (pr *propRun) write(path, title string, date time.Time, review bool) {
	r := pr.r
	var tags []string
	for i := r.IntN(3); i > 0; i-- {
		tags = append(tags, pr.pick(propTags))
	}
	fm := fmt.Sprintf("---\ntitle: %q\ndate: %s\ntags: [%s]\nweight: %d\ndraft: %v\n", title,
		date.Format(time.DateOnly), strings.Join(tags, ", "), r.IntN(3), r.IntN(8) == 0)
	if review {
		fm += fmt.Sprintf("rating: %d\n", 1+r.IntN(5))
	}
	// A Korean body makes a Korean page (lang on the page and its
	// list entries), so rewrites also flip a page's language.
	words := "Some words here. "
	if r.IntN(4) == 0 {
		words = "한국어로 쓴 문장입니다. "
	}
	MustWrite(pr.t, path, fm+"---\n"+strings.Repeat(words, 1+r.IntN(20))+"\n")
}

// edits makes one random edit, or with batch over 1 from 1 to batch
// edits merged into one Changes.
func (pr *propRun) edits(batch int) (Changes, string) {
	if batch <= 1 {
		return pr.edit()
	}
	var all Changes
	var whats []string
	for range 1 + pr.r.IntN(batch) {
		ch, what := pr.edit()
		all.Files = append(all.Files, ch.Files...)
		all.Data = append(all.Data, ch.Data...)
		whats = append(whats, what)
	}
	return all, strings.Join(whats, "; ")
}

// edit makes one random edit and returns the changes to announce and
// what it did.
func (pr *propRun) edit() (Changes, string) {
	r, ts := pr.r, pr.ts
	// One more op than the cases below: the last one is a body-only edit.
	switch op := r.IntN(9); {
	case op <= 1 || len(pr.files) == 0: // new or rewritten page
		c, sec := pr.pick(propCountries), pr.pick([]string{"tips", "reviews"})
		path := ts.Path(fmt.Sprintf("countries/%s/%s/p%d.md", c, sec, r.IntN(12)))
		if _, err := os.Stat(path); err != nil {
			pr.files = append(pr.files, path)
		}
		pr.write(path, fmt.Sprintf("Page %d", r.IntN(5)), propDay.AddDate(0, 0, r.IntN(60)), sec == "reviews")
		return Changes{Files: []string{path}}, "write " + pr.rel(path)
	case op == 2: // delete
		i := r.IntN(len(pr.files))
		path := pr.files[i]
		pr.files = append(pr.files[:i], pr.files[i+1:]...)
		os.Remove(path)
		return Changes{Files: []string{path}}, "delete " + pr.rel(path)
	case op == 3: // likes or comments
		id := strings.TrimSuffix(strings.TrimPrefix(pr.pick(pr.files), ts.Content+"/"), ".md")
		c := beforetrip.Counts{Likes: int64(r.IntN(4)), Comments: int64(r.IntN(3))}
		pr.data.setCounts(id, c)
		// Made now: the window ranking (/popular/month/ and the home
		// page) counts them until the clock moves past the window.
		pr.data.likesAt(id, c.Likes, pr.now)
		return Changes{Data: []beforetrip.Change{{Kind: beforetrip.ChangeLikes, Page: id}}}, fmt.Sprintf("counts %s %+v", id, c)
	case op == 4:
		return pr.readerReview()
	case op == 5: // time passes: scheduled pages come due, with no change announced
		pr.now = pr.now.Add(time.Duration(r.IntN(5*24)) * time.Hour)
		return Changes{}, "clock " + pr.now.Format(time.DateTime)
	case op == 6:
		return pr.countryChanges()
	case op == 7:
		return pr.ownPage()
	}
	return pr.bodyEdit()
}

// windowAsOf is site data whose window counts are those as of at.
type windowAsOf struct {
	*memData
	at time.Time
}

func (w windowAsOf) LikesSince(ctx context.Context, _ time.Time) (map[string]int64, error) {
	return w.memData.LikesSince(ctx, beforetrip.WindowStart(w.at))
}

// likesAt makes page id's likes in the window n, made at t.
func (m *memData) likesAt(id string, n int64, t time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.likedAt == nil {
		m.likedAt = map[string][]time.Time{}
	}
	m.likedAt[id] = slices.Repeat([]time.Time{t}, int(n))
}

// readerReview creates, edits or deletes a reader review.
func (pr *propRun) readerReview() (Changes, string) {
	r := pr.r
	id := uint64(1 + r.IntN(3))
	pr.data.mu.Lock()
	defer pr.data.mu.Unlock()
	var kept []beforetrip.Review
	for _, rv := range pr.data.reviews {
		if rv.ID != id {
			kept = append(kept, rv)
		}
	}
	what := fmt.Sprintf("delete reader review %d", id)
	if r.IntN(3) > 0 {
		rv := beforetrip.Review{ID: id, Country: pr.pick(propCountries), Title: fmt.Sprintf("Reader %d", r.IntN(4)),
			Rating: 1 + r.IntN(5), Body: "Nice **trip**, " + pr.pick(propWords) + ".", Author: beforetrip.Author{ID: 1, Username: "kim"},
			CreatedAt: propDay.AddDate(0, 0, r.IntN(60))}
		kept = append(kept, rv)
		what = fmt.Sprintf("reader review %d: %s %q rating %d %s", id, rv.Country, rv.Title, rv.Rating, rv.CreatedAt.Format(time.DateOnly))
	}
	pr.data.reviews = kept
	return Changes{Data: []beforetrip.Change{{Kind: beforetrip.ChangeReview}}}, what
}

// countryChanges rewrites a country's changes: its page, /changes/, the feed.
func (pr *propRun) countryChanges() (Changes, string) {
	r := pr.r
	c := pr.pick(propCountries)
	path := pr.ts.Path("countries/" + c + "/_index.md")
	src := MustRead(pr.t, "testdata/site/content/countries/"+c+"/_index.md")
	fm, body, _ := strings.Cut(strings.TrimPrefix(src, "---\n"), "\n---\n")
	fm, _, _ = strings.Cut(fm, "\nchanges:")
	if n := r.IntN(4); n > 0 {
		fm += "\nchanges:"
		for range n {
			fm += fmt.Sprintf("\n  - {date: %s, text: \"Change %d\"}", propDay.AddDate(0, 0, r.IntN(60)).Format(time.DateOnly), r.IntN(3))
		}
	}
	MustWrite(pr.t, path, "---\n"+fm+"\n---\n"+body)
	return Changes{Files: []string{path}}, "changes of " + c
}

// ownPage writes or deletes a page of its own (or its translation):
// footers, manifest, home.
func (pr *propRun) ownPage() (Changes, string) {
	r := pr.r
	path := pr.ts.Path("pages/" + pr.pick([]string{"about", "privacy", "terms"}) + pr.pick([]string{"", ".ko"}) + ".md")
	ch := Changes{Files: []string{path}}
	if r.IntN(4) == 0 {
		os.Remove(path)
		return ch, "delete page of its own " + pr.rel(path)
	}
	MustWrite(pr.t, path, fmt.Sprintf("---\ntitle: %q\nfooter: %v\nweight: %d\ndraft: %v\n---\n%s\n",
		fmt.Sprintf("Own %d", r.IntN(3)), r.IntN(2) == 0, r.IntN(2), r.IntN(6) == 0, pr.pick(propWords)))
	return ch, "page of its own " + pr.rel(path)
}

// bodyEdit changes only the body of a page: its language, or new words.
func (pr *propRun) bodyEdit() (Changes, string) {
	path := pr.pick(pr.files)
	src, err := os.ReadFile(path)
	if err != nil {
		pr.t.Fatal(err)
	}
	ch := Changes{Files: []string{path}}
	if pr.r.IntN(3) == 0 {
		// Only the body changes, and with it the page's language
		// (shown on the page and its list entries).
		fm, _, _ := strings.Cut(string(src), "\n---\n")
		body := "English only now.\n"
		if !strings.Contains(string(src), "한국어") {
			body = "이제 한국어로 씁니다.\n"
		}
		MustWrite(pr.t, path, fm+"\n---\n"+body)
		return ch, "language of " + pr.rel(path)
	}
	// New words change the page's index terms, not only its text.
	MustWrite(pr.t, path, string(src)+pr.pick(propWords)+" "+pr.pick(propWords)+".\n")
	return ch, "append " + pr.rel(path)
}
