package durability

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/pgstore"
	"github.com/beforetrip/beforetrip/pgstore/pgtest"
	"github.com/beforetrip/beforetrip/test/harness"
)

// takeover is how soon another instance must lead after the leader died.
const takeover = 5 * time.Second

// TestScaleOutPostgres runs two `beforetrip api` processes on one
// PostgreSQL (a crash-safe cluster of the test's own) with one output
// folder, under concurrent likes, comments and reviews through both:
//   - exactly one leads the rebuilds; the other serves at once;
//   - kill -9 of the leader: the other leads within 5 s, and the page on
//     disk shows a like written through it;
//   - kill -9 of the instance that follows;
//   - `pg_ctl stop -m immediate` and a restart of PostgreSQL;
//
// through all of which the gauge beforetrip_rebuild_leader on each
// instance's metrics listener says which one leads (1) and which follow
// (0); and at the end no acknowledged write is lost, nothing refused is stored,
// pgstore's Verify finds counters equal to the likes, and the published
// page shows the store's count.
func TestScaleOutPostgres(t *testing.T) {
	start := time.Now()
	step := func(what string) { t.Logf("%5.1fs %s", time.Since(start).Seconds(), what) }
	pg := pgtest.NewCluster(t)
	url := pg.URL(t)
	bin := harness.MustBinary(t)
	a, b := harness.NewServer(t, bin), harness.NewServer(t, bin)
	b.Out = a.Out // one host, one published folder
	metricsOf := map[*harness.Server]string{}
	for _, s := range []*harness.Server{a, b} {
		metricsOf[s] = fmt.Sprintf("127.0.0.1:%d", harness.FreePort(t))
		s.Env = append(s.Env, "BEFORETRIP_STORE_URL="+url, "BEFORETRIP_METRICS_ADDR="+metricsOf[s])
	}
	// gauges waits until the leader gauges of the servers are want.
	gauges := func(want map[*harness.Server]float64) {
		t.Helper()
		for s, v := range want {
			waitLeaderGauge(t, metricsOf[s], v)
		}
	}
	step("cluster up")
	a.MustBuildSite()
	step("site built")
	a.Start()
	waitLog(t, a, "rebuild: leading", time.Minute)
	b.Start()
	if !strings.Contains(b.Log(), "another instance leads") {
		t.Fatalf("second instance does not follow:\n%s", b.Log())
	}
	gauges(map[*harness.Server]float64{a: 1, b: 0})

	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	site := a.Pages(t)
	tip := site[beforetrip.KindTip][0]
	var acked atomic.Int64
	workers := newWorkers(t, a, site, "scale", seed, &acked)
	// spread sends the workers' requests to the servers given, in turn.
	spread := func(servers ...*harness.Server) {
		for i, w := range workers {
			w.c = &harness.Client{Base: servers[i%len(servers)].URL(), Token: w.c.Token, HC: w.c.HC}
		}
	}
	db, err := pgstore.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	step("a leads, b follows")
	// 1. kill -9 of the leader under load: b takes over.
	spread(a, b)
	var killed time.Time
	underLoad(workers, &acked, 40, func() { a.Kill(); killed = time.Now() })
	waitLog(t, b, "rebuild: leading", takeover-time.Since(killed))
	t.Logf("b leads %s after a was killed", time.Since(killed).Round(time.Millisecond))
	gauges(map[*harness.Server]float64{b: 1})
	liker := b.MustAccount(t, "survivor")
	if st, _, err := liker.Do(context.Background(), "PUT", "/api/likes?page="+tip.ID, nil); err != nil || st != 200 {
		t.Fatalf("like through the survivor: %d %v", st, err)
	}
	waitPublished(t, db, a.Out, tip)
	step("the survivor's like is on disk")

	// 2. kill -9 of the instance that follows.
	a.Start()
	if !strings.Contains(a.Log(), "another instance leads") {
		t.Fatalf("restarted instance does not follow:\n%s", a.Log())
	}
	gauges(map[*harness.Server]float64{a: 0, b: 1})
	spread(a, b)
	underLoad(workers, &acked, 40, a.Kill)
	a.Start()
	step("follower killed and back")

	// 3. PostgreSQL stops at once (no checkpoint) under load and starts again.
	leads := strings.Count(a.Log(), "rebuild: leading") + strings.Count(b.Log(), "rebuild: leading")
	underLoad(workers, &acked, 40, func() {
		if err := pg.Stop("immediate"); err != nil {
			t.Error(err)
		}
		time.Sleep(500 * time.Millisecond) // writes fail meanwhile
		if err := pg.Start(); err != nil {
			t.Fatal(err)
		}
	})
	step("PostgreSQL stopped and started")
	underLoad(workers, &acked, 40, nil) // both instances write again
	deadline := time.Now().Add(time.Minute)
	for strings.Count(a.Log(), "rebuild: leading")+strings.Count(b.Log(), "rebuild: leading") == leads {
		if time.Now().After(deadline) {
			t.Fatal("no instance leads after PostgreSQL came back")
		}
		time.Sleep(50 * time.Millisecond)
	}
	harness.WaitFor(t, time.Minute, "one leader gauge at 1, the other at 0", func() error {
		ga, err := leaderGauge(metricsOf[a])
		if err != nil {
			return err
		}
		gb, err := leaderGauge(metricsOf[b])
		if err != nil {
			return err
		}
		if ga+gb != "01" && ga+gb != "10" {
			return fmt.Errorf("a %s, b %s", ga, gb)
		}
		return nil
	})
	if st, _, err := liker.Do(context.Background(), "DELETE", "/api/likes?page="+tip.ID, nil); err != nil || st != 200 {
		t.Fatalf("unlike after the restart: %d %v", st, err)
	}
	waitPublished(t, db, a.Out, tip)
	step("a leader again, the unlike is on disk")

	if err := db.Verify(context.Background()); err != nil {
		t.Errorf("Verify: %v", err)
	}
	checkRows(t, db, workers)
	checkPublished(t, a.Out)
	t.Logf("%d acknowledged writes", acked.Load())
}

// underLoad runs the workers until n more writes were acknowledged (or 20 s
// passed), then calls fault (if any) while they still run, and stops them.
func underLoad(workers []*worker, acked *atomic.Int64, n int64, fault func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() { w.run(ctx) })
	}
	target := acked.Load() + n
	deadline := time.Now().Add(20 * time.Second)
	for acked.Load() < target && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if fault != nil {
		fault()
	}
	cancel()
	wg.Wait()
}

// waitLog waits until the server's current run logged want.
func waitLog(t *testing.T, s *harness.Server, want string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !strings.Contains(s.Log(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("%q not logged within %s:\n%s", want, within, s.Log())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitLeaderGauge waits (up to a minute: the machine may be loaded) until
// the metrics listener at addr reports beforetrip_rebuild_leader = want.
func waitLeaderGauge(t *testing.T, addr string, want float64) {
	t.Helper()
	harness.WaitFor(t, time.Minute, fmt.Sprintf("beforetrip_rebuild_leader %v at %s", want, addr), func() error {
		got, err := leaderGauge(addr)
		if err == nil && got != fmt.Sprint(want) {
			err = fmt.Errorf("beforetrip_rebuild_leader %s", got)
		}
		return err
	})
}

// leaderGauge scrapes the metrics listener at addr and returns the value
// of beforetrip_rebuild_leader as written there.
func leaderGauge(addr string) (string, error) {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	_, rest, ok := strings.Cut(string(body), "\nbeforetrip_rebuild_leader ")
	if !ok {
		return "", fmt.Errorf("no beforetrip_rebuild_leader in %d bytes of metrics", len(body))
	}
	got, _, _ := strings.Cut(rest, "\n")
	return got, nil
}

// waitPublished waits until the country's tips list in out shows the like
// count the store holds for tip.
func waitPublished(t *testing.T, db *pgstore.DB, out string, tip beforetrip.PageMeta) {
	t.Helper()
	list := filepath.Join(out, "countries", tip.Country, "tips", "index.html")
	deadline := time.Now().Add(time.Minute)
	for {
		stats, err := db.PageStats(context.Background(), []string{tip.ID}, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprint(stats[tip.ID].Likes)
		html, _ := os.ReadFile(list)
		got := harness.ListedLikes(string(html), tip.ID)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s shows %q likes of %s, the store %s", list, got, tip.ID, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
