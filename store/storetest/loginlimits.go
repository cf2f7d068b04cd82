package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

// testLoginLimits: the failed-login buckets are all-or-nothing per call,
// refill with time, take back given tokens, count concurrent attempts
// exactly (several API instances on one store see the same buckets) and
// survive a restart.
func (b Backend) testLoginLimits(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	r := beforetrip.Rate{Burst: 3, Per: time.Minute} // a token every 20 s
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	take := func(at time.Time, keys ...string) time.Duration {
		t.Helper()
		w, err := db.TakeLoginTokens(ctx, keys, r, at)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	for i := range 3 {
		if w := take(t0, "ip:a", "name:x"); w != 0 {
			t.Fatalf("attempt %d waits %s with tokens left", i+1, w)
		}
	}
	if w := take(t0, "ip:a", "name:x"); w <= 0 || w > 20*time.Second {
		t.Fatalf("4th attempt: wait %s, want (0, 20s]", w)
	}
	// name:x is empty, so nothing of ip:b is spent either.
	if w := take(t0, "ip:b", "name:x"); w <= 0 {
		t.Fatal("an attempt on an empty name bucket went through")
	}
	for i := range 3 {
		if w := take(t0, "ip:b"); w != 0 {
			t.Fatalf("ip:b attempt %d waits %s: the refused call spent its token", i+1, w)
		}
	}
	// A correct login gives its tokens back.
	if err := db.GiveLoginTokens(ctx, []string{"ip:a", "name:x", "acct:unknown"}, r, t0); err != nil {
		t.Fatal(err)
	}
	if w := take(t0, "ip:a", "name:x"); w != 0 {
		t.Fatalf("after a give: wait %s", w)
	}
	// 20 s later one token is back, not two.
	t1 := t0.Add(20 * time.Second)
	if w := take(t1, "name:x"); w != 0 {
		t.Fatalf("after refilling: wait %s", w)
	}
	if w := take(t1, "name:x"); w <= 0 {
		t.Fatal("refilled more than one token in 20 s")
	}

	db = b.Reopen(t, db)
	if w, err := db.TakeLoginTokens(ctx, []string{"name:x"}, r, t1); err != nil || w <= 0 {
		t.Fatalf("after a restart name:x: wait %s, %v; want still empty", w, err)
	}

	// Ten concurrent first attempts on a new key: exactly the burst passes.
	var mu sync.Mutex
	var wg sync.WaitGroup
	passed := 0
	for range 10 {
		wg.Go(func() {
			w, err := db.TakeLoginTokens(ctx, []string{"ip:c", "name:y"}, r, t0)
			if err != nil {
				t.Error(err)
				return
			}
			if w == 0 {
				mu.Lock()
				passed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if passed != r.Burst {
		t.Errorf("%d of 10 concurrent attempts passed, want %d", passed, r.Burst)
	}
}
