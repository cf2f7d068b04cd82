package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

// TestConcurrentMixed runs likes, unlikes, comments, edits, soft deletes,
// approvals and review create/delete from many goroutines at once, then
// checks every counter and index against the rows.
func (b Backend) testConcurrentMixed(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	const workers, ops = 24, 60
	users := make([]*beforetrip.User, workers)
	for i := range users {
		users[i] = MustUser(t, db, fmt.Sprint("u", i))
	}
	pages := []beforetrip.PageMeta{
		TipPage("japan", "a", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)),
		TipPage("japan", "b", time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)),
		TipPage("korea", "c", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)),
		{ID: "countries/korea", Country: "korea"},
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w, u := range users {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			var mine []uint64
			if err := mixedOps(ctx, db, rng, u, pages, ops, &mine); err != nil {
				errs <- fmt.Errorf("worker %d: %w", w, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	b.check(t, db)
}

// mixedOps performs n random operations as user u.
func mixedOps(ctx context.Context, db Store, rng *rand.Rand, u *beforetrip.User, pages []beforetrip.PageMeta, n int, mine *[]uint64) error {
	author := beforetrip.Author{ID: u.ID, Username: u.Username}
	var reviews []*beforetrip.Review
	for range n {
		p := pages[rng.IntN(len(pages))]
		var err error
		switch op := rng.IntN(10); {
		case op < 4:
			_, err = db.SetLike(ctx, p, u.ID, rng.IntN(3) > 0)
		case op < 6:
			c := &beforetrip.Comment{Page: p.ID, Author: author, Body: "hi", Pending: rng.IntN(4) == 0}
			if err = db.CreateComment(ctx, c); err == nil {
				*mine = append(*mine, c.ID)
			}
		case op < 8 && len(*mine) > 0:
			id := (*mine)[rng.IntN(len(*mine))]
			_, err = db.UpdateComment(ctx, id, func(c *beforetrip.Comment) error {
				switch rng.IntN(3) {
				case 0:
					c.Deleted = true
				case 1:
					c.Pending = false
				default:
					c.Pending = !c.Deleted
				}
				return nil
			})
		case op == 8:
			r := &beforetrip.Review{Country: "japan", Title: "t", Rating: 5, Author: author}
			if err = db.CreateReview(ctx, r); err != nil {
				break
			}
			reviews = append(reviews, r)
			meta := beforetrip.PageMeta{ID: r.PageID(), Section: "reviews", Country: "japan", Date: r.CreatedAt}
			pages = append(pages, meta)
		case len(reviews) > 0:
			r := reviews[0]
			reviews = reviews[1:]
			err = db.DeleteReview(ctx, r.ID)
		}
		if err != nil && beforetrip.ErrorCode(err) != beforetrip.ENOTFOUND {
			return err
		}
	}
	return nil
}
