package store

import (
	"encoding/binary"
	"encoding/json"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// recountComments adds each page's visible comments to counts and checks
// the comment→page index and the pending queue against the rows.
func recountComments(tx *bolt.Tx, counts map[string]beforetrip.Counts, report reporter) error {
	pages, pending := map[string]string{}, map[string]string{}
	err := tx.Bucket(bucketComments).ForEach(func(k, v []byte) error {
		var c beforetrip.Comment
		if err := json.Unmarshal(v, &c); err != nil {
			report("comments: key %q: %v", k, err)
			return nil
		}
		if string(k) != string(pageIDKey(c.Page, c.ID)) {
			report("comments: key %q holds comment %d of %q", k, c.ID, c.Page)
		}
		if c.Deleted && c.Body != "" {
			report("comments: deleted comment %d keeps its body", c.ID)
		}
		if c.ParentID != 0 && tx.Bucket(bucketComments).Get(pageIDKey(c.Page, c.ParentID)) == nil {
			report("comments: comment %d replies to %d, not on page %q", c.ID, c.ParentID, c.Page)
		}
		id := string(u64(c.ID))
		pages[id] = c.Page
		if c.Pending {
			pending[id] = c.Page
		}
		if c.Counted() {
			n := counts[c.Page]
			n.Comments++
			counts[c.Page] = n
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := verifyIndex(tx.Bucket(bucketCommentPages), "comment_pages", pages, report); err != nil {
		return err
	}
	return verifyIndex(tx.Bucket(bucketPending), "comments_pending", pending, report)
}

// verifyReviews checks the country and author indexes and the approval
// queue against the reviews.
func verifyReviews(tx *bolt.Tx, report reporter) error {
	byCountry, byAuthor, pending := map[string]string{}, map[string]string{}, map[string]string{}
	err := tx.Bucket(bucketReviews).ForEach(func(k, v []byte) error {
		var r beforetrip.Review
		if err := json.Unmarshal(v, &r); err != nil {
			report("reviews: key %x: %v", k, err)
			return nil
		}
		if r.ID != binary.BigEndian.Uint64(k) {
			report("reviews: key %x holds review %d", k, r.ID)
		}
		byCountry[string(join([]byte(r.Country), k))] = ""
		byAuthor[string(join(u64(r.Author.ID), k))] = ""
		if r.Pending {
			pending[string(k)] = ""
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := verifyIndex(tx.Bucket(bucketReviewCountry), "reviews_by_country", byCountry, report); err != nil {
		return err
	}
	if err := verifyIndex(tx.Bucket(bucketReviewAuthor), "reviews_by_author", byAuthor, report); err != nil {
		return err
	}
	return verifyIndex(tx.Bucket(bucketReviewsPending), "reviews_pending", pending, report)
}
