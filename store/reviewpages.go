package store

import (
	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// livePage refuses a reader review's page whose review is gone, not public
// (awaiting approval) or of another country with ENOTFOUND; other pages pass. The API
// checks the review before writing, but DeleteReview can commit between
// that check and the write: checking again inside the writing transaction
// keeps a like or comment from outliving the review it hangs on.
func livePage(tx *bolt.Tx, page string) error {
	country, id, ok := beforetrip.ParseReaderReviewID(page)
	if !ok {
		return nil
	}
	v := tx.Bucket(bucketReviews).Get(u64(id))
	if v == nil {
		return beforetrip.Errorf(beforetrip.ENOTFOUND, "review not found")
	}
	r, err := decodeReviewHead(id, v)
	if err != nil {
		return err
	}
	if r.Country != country || !r.Public() {
		return beforetrip.Errorf(beforetrip.ENOTFOUND, "review not found")
	}
	return nil
}
