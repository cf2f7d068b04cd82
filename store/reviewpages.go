package store

import (
	"strconv"
	"strings"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// readerReviewID splits a reader review's page ID,
// countries/<c>/reviews/u-<n>, in its canonical form only (no leading
// zeros, n > 0): the same rule as the API's page index, so a static page
// the manifest lists under another slug is never mistaken for one.
func readerReviewID(page string) (country string, id uint64, ok bool) {
	country, section, ok := beforetrip.SplitPageID(page)
	if !ok || section != beforetrip.SectionReviews {
		return "", 0, false
	}
	slug := page[strings.LastIndexByte(page, '/')+1:]
	digits, ok := strings.CutPrefix(slug, "u-")
	if !ok {
		return "", 0, false
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || n == 0 || strconv.FormatUint(n, 10) != digits {
		return "", 0, false
	}
	return country, n, true
}

// livePage refuses a reader review's page whose review is gone, not public
// (awaiting approval) or of another country with ENOTFOUND; other pages pass. The API
// checks the review before writing, but DeleteReview can commit between
// that check and the write: checking again inside the writing transaction
// keeps a like or comment from outliving the review it hangs on.
func livePage(tx *bolt.Tx, page string) error {
	country, id, ok := readerReviewID(page)
	if !ok {
		return nil
	}
	v := tx.Bucket(bucketReviews).Get(u64(id))
	if v == nil {
		return beforetrip.Errorf(beforetrip.ENOTFOUND, "review not found")
	}
	r, err := decodeReview(id, v)
	if err != nil {
		return err
	}
	if r.Country != country || !r.Public() {
		return beforetrip.Errorf(beforetrip.ENOTFOUND, "review not found")
	}
	return nil
}
