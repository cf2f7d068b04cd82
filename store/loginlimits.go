package store

import (
	"context"
	"encoding/binary"
	"math"
	"time"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// loginBucketLen is a login_limits value: tokens (float64 bits), the time
// they were counted and when the bucket is full again (Unix ns each).
const loginBucketLen = 24

func encodeLoginBucket(b beforetrip.Bucket, full time.Time) []byte {
	v := make([]byte, loginBucketLen)
	binary.BigEndian.PutUint64(v, math.Float64bits(b.Tokens))
	binary.BigEndian.PutUint64(v[8:], uint64(b.At.UnixNano()))
	binary.BigEndian.PutUint64(v[16:], uint64(full.UnixNano()))
	return v
}

// decodeLoginBucket reads a value; a missing or malformed one is a key
// never seen (a full bucket).
func decodeLoginBucket(v []byte) (b beforetrip.Bucket, full time.Time) {
	if len(v) != loginBucketLen {
		return beforetrip.Bucket{}, time.Time{}
	}
	b.Tokens = math.Float64frombits(binary.BigEndian.Uint64(v))
	b.At = time.Unix(0, int64(binary.BigEndian.Uint64(v[8:])))
	return b, time.Unix(0, int64(binary.BigEndian.Uint64(v[16:])))
}

// TakeLoginTokens implements beforetrip.LoginLimits.
func (db *DB) TakeLoginTokens(ctx context.Context, keys []string, r beforetrip.Rate, now time.Time) (time.Duration, error) {
	if err := ctxErr(ctx); err != nil {
		return 0, err
	}
	var wait time.Duration
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketLoginLimits)
		buckets := make([]beforetrip.Bucket, len(keys))
		for i, k := range keys {
			buckets[i], _ = decodeLoginBucket(bk.Get([]byte(k)))
		}
		var out []beforetrip.Bucket
		out, wait = r.TakeTokens(buckets, now)
		if wait > 0 {
			return nil
		}
		for i, k := range keys {
			if err := bk.Put([]byte(k), encodeLoginBucket(out[i], r.FullAt(out[i]))); err != nil {
				return err
			}
		}
		return nil
	})
	return wait, wrap(err, "take login tokens")
}

// GiveLoginTokens implements beforetrip.LoginLimits.
func (db *DB) GiveLoginTokens(ctx context.Context, keys []string, r beforetrip.Rate, now time.Time) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketLoginLimits)
		for _, k := range keys {
			v := bk.Get([]byte(k))
			if v == nil {
				continue
			}
			b, _ := decodeLoginBucket(v)
			b = r.GiveToken(b, now)
			if err := bk.Put([]byte(k), encodeLoginBucket(b, r.FullAt(b))); err != nil {
				return err
			}
		}
		return nil
	})
	return wrap(err, "give login tokens")
}

// purgeLoginLimits forgets the buckets that are full again (a key never
// seen is full), so that guesses from many addresses leave nothing behind
// for long. It returns how many went.
func (db *DB) purgeLoginLimits(now time.Time) (int, error) {
	n := 0
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		n = 0
		c := tx.Bucket(bucketLoginLimits).Cursor()
		for k, v := c.First(); k != nil; {
			if _, full := decodeLoginBucket(v); !full.After(now) {
				if err := c.Delete(); err != nil {
					return err
				}
				n++
				k, v = c.Seek(k)
				continue
			}
			k, v = c.Next()
		}
		return nil
	})
	return n, wrap(err, "purge login limits")
}
