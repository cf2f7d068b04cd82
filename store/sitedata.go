package store

import (
	"context"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// PageCounts returns the counts of every page with at least one like or one
// visible comment: the counters bucket holds exactly those pages.
func (db *DB) PageCounts(ctx context.Context) (map[string]beforetrip.Counts, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	out := map[string]beforetrip.Counts{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCounters).ForEach(func(k, v []byte) error {
			c, err := decodeCounts(v)
			if err != nil {
				return err
			}
			out[string(k)] = c
			return nil
		})
	})
	if err != nil {
		return nil, wrap(err, "page counts")
	}
	return out, nil
}

// CountsOf returns the counts of the pages ids that have a like or a
// visible comment: a rebuild for a like reads its page, not every counter.
func (db *DB) CountsOf(ctx context.Context, ids []string) (map[string]beforetrip.Counts, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	out := make(map[string]beforetrip.Counts, len(ids))
	err := db.bolt.View(func(tx *bolt.Tx) error {
		for _, id := range ids {
			c, err := getCounts(tx, id)
			if err != nil {
				return err
			}
			if c != (beforetrip.Counts{}) {
				out[id] = c
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "page counts")
	}
	return out, nil
}

// ReaderReview returns review id if it is public (a page); ENOTFOUND if it
// is gone or awaits approval, as ReaderReviews would leave it out.
func (db *DB) ReaderReview(ctx context.Context, id uint64) (*beforetrip.Review, error) {
	r, err := db.Review(ctx, id)
	if err != nil {
		return nil, err
	}
	if !r.Public() {
		return nil, beforetrip.Errorf(beforetrip.ENOTFOUND, "review not found")
	}
	return r, nil
}

// ReaderReviews returns every public reader review, newest first: a review
// awaiting approval is not a page.
func (db *DB) ReaderReviews(ctx context.Context) ([]beforetrip.Review, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	out := []beforetrip.Review{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return scanDesc(tx.Bucket(bucketReviews).Cursor(), nil, 0, func(id uint64, v []byte) (bool, error) {
			r, err := decodeReview(id, v)
			if err != nil {
				return false, err
			}
			if r.Public() {
				out = append(out, *r)
			}
			return true, nil
		})
	})
	if err != nil {
		return nil, wrap(err, "reader reviews")
	}
	return out, nil
}

// Compile-time proof that *DB provides every service of the root package.
var (
	_ beforetrip.UserService       = (*DB)(nil)
	_ beforetrip.SessionService    = (*DB)(nil)
	_ beforetrip.LikeService       = (*DB)(nil)
	_ beforetrip.PopularService    = (*DB)(nil)
	_ beforetrip.CommentService    = (*DB)(nil)
	_ beforetrip.ReviewService     = (*DB)(nil)
	_ beforetrip.SiteData          = (*DB)(nil)
	_ beforetrip.ModerationService = (*DB)(nil)
)
