// Package durability checks that every write beforetrip acknowledges
// survives kill -9: it drives the real `beforetrip api` with concurrent
// likes, unlikes, comments and reviews, kills it at random moments,
// restarts it, and finally checks the bbolt file against what was
// acknowledged.
package durability

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/test/harness"
)

// TestCrashDurability kills `beforetrip api` with SIGKILL 20 times (3 with
// -short) under a mixed write load, then opens the store and checks it:
// every acknowledged write is there, nothing else is half there, and
// store.Verify finds counters and indexes consistent with the rows. After
// each kill, before the restart, the published site must be whole (see
// checkPublished) and store.Verify must pass (see verifyAfterKill); every
// fourth restart is also killed during its start-up build.
func TestCrashDurability(t *testing.T) {
	kills := 20
	if testing.Short() {
		kills = 3
	}
	start := time.Now()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))

	srv := harness.NewServer(t, harness.MustBinary(t))
	srv.MustBuildSite()
	srv.Start()
	site := srv.Pages(t)
	var acked atomic.Int64
	workers := newWorkers(t, srv, site, "crash", seed, &acked)
	var verifying time.Duration // in verifyAfterKill
	for k := 1; k <= kills; k++ {
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for _, w := range workers {
			wg.Add(1)
			go func() { defer wg.Done(); w.run(ctx) }()
		}
		// Kill after a random number of acknowledged writes (0–40), so the
		// moment is random but the test does not depend on the speed of
		// the machine; give up waiting after 10 s.
		target := acked.Load() + int64(rng.IntN(41))
		deadline := time.Now().Add(10 * time.Second)
		for acked.Load() < target && time.Now().Before(deadline) && ctx.Err() == nil {
			time.Sleep(time.Millisecond)
		}
		srv.Kill()
		cancel()
		wg.Wait()
		t.Logf("kill %d after %d acknowledged writes (%.1fs)", k, acked.Load(), time.Since(start).Seconds())
		checkPublished(t, srv.Out)
		verifying += verifyAfterKill(t, srv.Store(), fmt.Sprintf("after kill %d", k))
		if k < kills && k%4 == 0 {
			// Kill once more while the start-up build publishes.
			srv.Launch()
			time.Sleep(time.Duration(rng.IntN(400)) * time.Millisecond)
			srv.Kill()
			checkPublished(t, srv.Out)
			verifying += verifyAfterKill(t, srv.Store(), fmt.Sprintf("after the start-up kill following kill %d", k))
		}
		if k < kills {
			srv.Start()
		}
	}
	checkStore(t, srv.Store(), workers)
	t.Logf("%d kills, %d acknowledged writes, %.1fs (%v of it verifying the store between kills)",
		kills, acked.Load(), time.Since(start).Seconds(), verifying.Round(time.Millisecond))
}

// likeState is what a worker knows of its like of one page.
type likeState struct {
	liked bool
	// known: the last request on this key was acknowledged, or certainly
	// never reached the server (connection refused). Otherwise it may or
	// may not have been applied and the key is not checked.
	known bool
	// abandoned: a request on this key got no answer. The server may
	// still be holding it (waiting for PostgreSQL to come back) and apply
	// it after a later request was acknowledged, so the key stays
	// unchecked for the rest of the run.
	abandoned bool
}

// sent is a comment or review a worker sent, keyed by its unique text.
type sent struct {
	page  string // comment page, or review country
	id    uint64 // when acknowledged
	acked bool
	// refused: answered with an error or never connected, so it must
	// not be stored at all.
	refused bool
	extra   int // review rating
}

// worker is one user issuing writes one after another, so the order of
// its operations on a key is the order it sent them.
type worker struct {
	name             string
	c                *harness.Client
	pages, countries []string
	rng              *rand.Rand
	acked            *atomic.Int64
	seq              int
	likes            map[string]*likeState
	comments         map[string]*sent
	reviews          map[string]*sent
}

// newWorkers makes six workers, each with its own account (prefix0…
// prefix5) on srv and random stream from seed, that like, comment on and
// review the first three tips, reviews and countries of site.
func newWorkers(t *testing.T, srv *harness.Server, site map[string][]beforetrip.PageMeta, prefix string, seed uint64, acked *atomic.Int64) []*worker {
	t.Helper()
	var pages, countries []string
	for _, kind := range []string{beforetrip.KindTip, beforetrip.KindReview, beforetrip.KindCountry} {
		for i, p := range site[kind] {
			if i < 3 {
				pages = append(pages, p.ID)
			}
			if kind == beforetrip.KindCountry && i < 3 {
				countries = append(countries, p.Country)
			}
		}
	}
	if len(pages) < 6 || len(countries) == 0 {
		t.Fatalf("built site too small: %v", site)
	}
	workers := make([]*worker, 6)
	for i := range workers {
		name := fmt.Sprintf("%s%d", prefix, i)
		workers[i] = &worker{name: name, c: srv.MustAccount(t, name), pages: pages, countries: countries,
			rng: rand.New(rand.NewPCG(seed, uint64(i+2))), acked: acked,
			likes: map[string]*likeState{}, comments: map[string]*sent{}, reviews: map[string]*sent{}}
	}
	return workers
}

func (w *worker) run(ctx context.Context) {
	for ctx.Err() == nil {
		w.seq++
		page := w.pages[w.rng.IntN(len(w.pages))]
		switch n := w.rng.IntN(10); {
		case n < 6:
			w.like(ctx, page, n < 4)
		case n < 9:
			w.comment(ctx, page)
		default:
			w.review(ctx)
		}
	}
}

// outcome classifies a response: acknowledged (2xx), certainly not
// applied (refused connection, or a 4xx answer), or unknown: no answer, or
// a 5xx, which may come after the store committed (PostgreSQL stopping
// between the commit and its reply).
func outcome(status int, err error) (ok, unknown bool) {
	switch {
	case err == nil:
		return status/100 == 2, status/100 == 5
	case errors.Is(err, syscall.ECONNREFUSED):
		return false, false
	}
	return false, true
}

func (w *worker) like(ctx context.Context, page string, liked bool) {
	method := "DELETE"
	if liked {
		method = "PUT"
	}
	st, _, err := w.c.Do(ctx, method, "/api/likes?page="+page, nil)
	s := w.likes[page]
	if s == nil {
		s = &likeState{known: true} // never liked
		w.likes[page] = s
	}
	switch ok, unknown := outcome(st, err); {
	case ok:
		*s = likeState{liked: liked, known: !s.abandoned, abandoned: s.abandoned}
		w.acked.Add(1)
	case unknown:
		s.known = false
		s.abandoned = s.abandoned || err != nil
	}
}

func (w *worker) comment(ctx context.Context, page string) {
	body := fmt.Sprintf("%s comment %d: **kill -9** test", w.name, w.seq)
	var out struct {
		Comment struct {
			ID uint64 `json:"id"`
		} `json:"comment"`
	}
	st, data, err := w.c.Do(ctx, "POST", "/api/comments", map[string]any{"page": page, "body": body})
	s := &sent{page: page}
	w.comments[body] = s
	ok, unknown := outcome(st, err)
	if ok && harness.Decode(data, &out) == nil {
		s.acked, s.id = true, out.Comment.ID
		w.acked.Add(1)
	}
	s.refused = !ok && !unknown
}

func (w *worker) review(ctx context.Context) {
	title := fmt.Sprintf("%s review %d", w.name, w.seq)
	rating := 1 + w.rng.IntN(5)
	country := w.countries[w.rng.IntN(len(w.countries))]
	var out struct {
		Review struct {
			ID uint64 `json:"id"`
		} `json:"review"`
	}
	st, data, err := w.c.Do(ctx, "POST", "/api/reviews",
		map[string]any{"country": country, "title": title, "rating": rating, "body": "Body of " + title})
	s := &sent{page: country, extra: rating}
	w.reviews[title] = s
	ok, unknown := outcome(st, err)
	if ok && harness.Decode(data, &out) == nil {
		s.acked, s.id = true, out.Review.ID
		w.acked.Add(1)
	}
	s.refused = !ok && !unknown
}
