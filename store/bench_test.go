package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/store/storetest"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// BenchmarkSetLike measures durable likes (fsync on) from 1 caller (the
// latency of a lone like, which waits out Batch's delay) and from 64
// concurrent callers (throughput, as Batch groups their commits).
func BenchmarkSetLike(b *testing.B) {
	for _, callers := range []int{1, 64} {
		b.Run(fmt.Sprint("callers=", callers), func(b *testing.B) { benchSetLike(b, callers) })
	}
}

func benchSetLike(b *testing.B, callers int) {
	ctx := context.Background()
	db := MustOpen(b)
	const nUsers = 64
	users := make([]uint64, nUsers)
	for i := range users {
		users[i] = MustUser(b, db, fmt.Sprint("u", i)).ID
	}
	pages := make([]string, 50)
	for i := range pages {
		pages[i] = fmt.Sprint("countries/japan/tips/t", i)
	}
	next := make(chan int, 1)
	next <- 0
	if callers == 1 {
		b.ResetTimer()
		for n := 0; b.Loop(); n++ {
			page := storetest.TipPage("japan", fmt.Sprint("t", n%len(pages)), time.Time{})
			if _, err := db.SetLike(ctx, page, users[n%nUsers], n%3 != 0); err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	b.SetParallelism(max(1, callers/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			n := <-next
			next <- n + 1
			page := storetest.TipPage("japan", fmt.Sprint("t", n%len(pages)), time.Time{})
			if _, err := db.SetLike(ctx, page, users[n%nUsers], n%3 != 0); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkSetLikeSpread is durable likes the way a busy site sees them and
// bench/api.sh sends them: 64 concurrent callers, 100 users liking random
// pages of 10,000 in 50 countries, so nearly every like is a new row and a
// batch touches leaves all over each bucket. (BenchmarkSetLike toggles 3,200
// pairs of 50 pages: a few hot leaves.)
func BenchmarkSetLikeSpread(b *testing.B) {
	ctx := context.Background()
	db := MustOpen(b)
	users := make([]uint64, 100)
	for i := range users {
		users[i] = MustUser(b, db, fmt.Sprint("u", i)).ID
	}
	pages := make([]beforetrip.PageMeta, 10000)
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range pages {
		pages[i] = storetest.TipPage(fmt.Sprint("country-", i%50), fmt.Sprint("t", i), day.AddDate(0, 0, i%700))
	}
	var seed atomic.Uint64
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		r := rand.New(rand.NewPCG(seed.Add(1), 3))
		for pb.Next() {
			if _, err := db.SetLike(ctx, pages[r.IntN(len(pages))], users[r.IntN(len(users))], true); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "likes/s")
}

// BenchmarkPageStats measures one list page's worth of counts (20 IDs),
// for an anonymous reader (counts only) and a logged-in one (liked flags).
func BenchmarkPageStats(b *testing.B) {
	ctx := context.Background()
	db := MustOpen(b, WithNoSync()) // only the setup writes
	u := MustUser(b, db, "alice")
	ids := make([]string, 20)
	for i := range ids {
		p := storetest.TipPage("japan", fmt.Sprint("t", i), time.Time{})
		ids[i] = p.ID
		if i%2 == 0 {
			if _, err := db.SetLike(ctx, p, u.ID, true); err != nil {
				b.Fatal(err)
			}
		}
	}
	for _, viewer := range []struct {
		name string
		id   uint64
	}{{"anonymous", 0}, {"reader", u.ID}} {
		b.Run(viewer.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := db.PageStats(ctx, ids, viewer.id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPopular100k is the popular index at 100k liked pages: Open
// rebuilds it from the page records and counters (op=open), and a query
// reads the top 50 of the whole site (op=query), which must not depend on
// the number of pages. The pages are written straight into the file.
func BenchmarkPopular100k(b *testing.B) {
	const n = 100_000
	path := filepath.Join(b.TempDir(), "beforetrip.db")
	db, err := Open(path, WithNoSync())
	if err != nil {
		b.Fatal(err)
	}
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		for i := range n {
			p := storetest.TipPage(fmt.Sprint("country-", i%50), fmt.Sprint("t", i), day.AddDate(0, 0, i%700))
			if _, err := addCounts(tx, p.ID, int64(1+i%97), 0); err != nil {
				return err
			}
			if err := reindex(tx, newPopIndex(), p, 0, int64(1+i%97)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	db.Close()
	b.Run("op=open", func(b *testing.B) {
		for b.Loop() {
			db, err := Open(path, WithNoSync())
			if err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
	})
	b.Run("op=query", func(b *testing.B) {
		db, err := Open(path, WithNoSync())
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		ctx := context.Background()
		for b.Loop() {
			items, err := db.Popular(ctx, beforetrip.PopularQuery{Limit: 50})
			if err != nil || len(items) != 50 {
				b.Fatalf("popular: %d items, %v", len(items), err)
			}
		}
	})
}
