package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Like times (schema 7). A likes_by_page row's value is the like's time in
// Unix seconds (8 bytes, big-endian); 0 means "before the store kept like
// times", which every window ranking counts as old. Each like with a time
// also has a likes_by_time row, so a window ranking reads the likes of its
// window only, not every like.

// likeStamp encodes t as a like row's value; a clock before 1970 (a test's
// zero time) still gets a known time, 1.
func likeStamp(t time.Time) []byte {
	return u64(uint64(max(t.Unix(), 1)))
}

// likeTimeKey is the likes_by_time key: seconds(8) 0x00 page 0x00 userID.
func likeTimeKey(sec uint64, page string, user uint64) []byte {
	return join(u64(sec), []byte(page), u64(user))
}

// putLike writes the three rows of a new like made at now.
func putLike(tx *bolt.Tx, page string, user uint64, now time.Time) error {
	stamp := likeStamp(now)
	if err := tx.Bucket(bucketLikesByPage).Put(pageUserKey(page, user), stamp); err != nil {
		return err
	}
	if err := tx.Bucket(bucketLikesByUser).Put(userPageKey(user, page), present); err != nil {
		return err
	}
	return tx.Bucket(bucketLikesByTime).Put(likeTimeKey(binary.BigEndian.Uint64(stamp), page, user), present)
}

// dropLike deletes a like's rows, its time row included.
func dropLike(tx *bolt.Tx, page string, user uint64) error {
	byPage := tx.Bucket(bucketLikesByPage)
	pk := pageUserKey(page, user)
	if v := byPage.Get(pk); len(v) == 8 {
		if sec := binary.BigEndian.Uint64(v); sec != 0 {
			if err := tx.Bucket(bucketLikesByTime).Delete(likeTimeKey(sec, page, user)); err != nil {
				return err
			}
		}
	}
	if err := byPage.Delete(pk); err != nil {
		return err
	}
	return tx.Bucket(bucketLikesByUser).Delete(userPageKey(user, page))
}

// LikesSince returns, for each page, how many of its standing likes were
// made at or after since (beforetrip.WindowStart): the counts of the
// window rankings (/popular/month/). Pages without such likes are absent;
// likes made before the store kept like times never count. It reads the
// likes of the window only.
func (db *DB) LikesSince(ctx context.Context, since time.Time) (map[string]int64, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	out := map[string]int64{}
	// Times are whole seconds: the likes of since's second all count.
	from := u64(uint64(max(since.Unix(), 1)))
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketLikesByTime).Cursor()
		for k, _ := c.Seek(from); k != nil; k, _ = c.Next() {
			page, _, ok := splitLikeTimeKey(k)
			if !ok {
				return fmt.Errorf("malformed likes_by_time key %x", k)
			}
			out[page]++
		}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "likes since %s", since.Format(time.RFC3339))
	}
	return out, nil
}

// splitLikeTimeKey parses a likes_by_time key into page and user.
func splitLikeTimeKey(k []byte) (string, uint64, bool) {
	if len(k) < 8+1+1+1+8 || k[8] != sep || k[len(k)-9] != sep {
		return "", 0, false
	}
	return string(k[9 : len(k)-9]), binary.BigEndian.Uint64(k[len(k)-8:]), true
}

// createV7LikeTimes is schema version 7: like rows carry their time and
// likes_by_time indexes them. Likes made before have no known time: their
// rows get 0 (counted as old) and no time row.
func createV7LikeTimes(tx *bolt.Tx) error {
	if _, err := tx.CreateBucketIfNotExists(bucketLikesByTime); err != nil {
		return err
	}
	byPage := tx.Bucket(bucketLikesByPage)
	var old [][]byte
	err := byPage.ForEach(func(k, v []byte) error {
		if len(v) != 8 {
			old = append(old, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Written after the scan: a bucket must not change under ForEach.
	for _, k := range old {
		if err := byPage.Put(k, u64(0)); err != nil {
			return err
		}
	}
	return nil
}
