package store

import (
	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// recountComments adds each page's visible comments to counts.
func recountComments(tx *bolt.Tx, counts map[string]beforetrip.Counts, report reporter) error {
	return nil
}

func verifyReviews(tx *bolt.Tx, report reporter) error { return nil }
