package store

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"
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
			page := tipPage("japan", fmt.Sprint("t", n%len(pages)), time.Time{})
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
			page := tipPage("japan", fmt.Sprint("t", n%len(pages)), time.Time{})
			if _, err := db.SetLike(ctx, page, users[n%nUsers], n%3 != 0); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkPageStats measures one list page's worth of counts (20 IDs).
func BenchmarkPageStats(b *testing.B) {
	ctx := context.Background()
	db := MustOpen(b, WithNoSync()) // only the setup writes
	u := MustUser(b, db, "alice")
	ids := make([]string, 20)
	for i := range ids {
		p := tipPage("japan", fmt.Sprint("t", i), time.Time{})
		ids[i] = p.ID
		if i%2 == 0 {
			if _, err := db.SetLike(ctx, p, u.ID, true); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := db.PageStats(ctx, ids, u.ID); err != nil {
			b.Fatal(err)
		}
	}
}
