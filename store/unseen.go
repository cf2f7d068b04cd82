package store

import (
	"encoding/json"

	bolt "go.etcd.io/bbolt"
)

// markV8Unseen is schema version 8: items carry Moderation.Unseen, set
// when posted for approval. Rows written before have it unset; of those,
// a pending item never edited can only have been held since it was posted,
// so it is marked (its approval still mails the reply's notification).
// Any other held item may have been public already: left unmarked, so no
// reply is ever announced twice.
func markV8Unseen(tx *bolt.Tx) error {
	type write struct {
		b          *bolt.Bucket
		key, value []byte
	}
	var writes []write
	mark := func(b *bolt.Bucket, key []byte, item any, edited bool, m *bool) error {
		if edited {
			return nil
		}
		*m = true
		v, err := json.Marshal(item)
		writes = append(writes, write{b, key, v})
		return err
	}
	comments, reviews := tx.Bucket(bucketComments), tx.Bucket(bucketReviews)
	err := tx.Bucket(bucketPending).ForEach(func(k, page []byte) error {
		c, err := getComment(tx, binaryID(k))
		if err != nil {
			return err
		}
		return mark(comments, pageIDKey(string(page), c.ID), c, c.EditedAt != nil, &c.Unseen)
	})
	if err != nil {
		return err
	}
	err = tx.Bucket(bucketReviewsPending).ForEach(func(k, _ []byte) error {
		r, err := getReview(tx, binaryID(k))
		if err != nil {
			return err
		}
		return mark(reviews, u64(r.ID), r, r.EditedAt != nil, &r.Unseen)
	})
	if err != nil {
		return err
	}
	// Written after the scans: a bucket must not change under ForEach.
	for _, w := range writes {
		if err := w.b.Put(w.key, w.value); err != nil {
			return err
		}
	}
	return nil
}
