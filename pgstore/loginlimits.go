package pgstore

import (
	"context"
	"slices"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/jackc/pgx/v5"
)

// lockLoginBuckets returns the buckets of keys (the zero Bucket for a key
// without one), locked for the transaction. Rows are created first, so
// that two instances' first attempts on a new key queue on one row lock;
// keys are locked in sorted order, so two calls never deadlock.
func lockLoginBuckets(ctx context.Context, tx pgx.Tx, keys []string, now time.Time) (map[string]beforetrip.Bucket, error) {
	sorted := slices.Sorted(slices.Values(keys))
	if _, err := tx.Exec(ctx, `INSERT INTO login_limits (key, tokens, at, full_at)
		SELECT k, -1, $2, $2 FROM unnest($1::text[]) AS k ORDER BY k ON CONFLICT DO NOTHING`, sorted, now); err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT key, tokens, at FROM login_limits WHERE key = ANY($1)
		ORDER BY key FOR UPDATE`, sorted)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]beforetrip.Bucket{}
	for rows.Next() {
		var k string
		var b beforetrip.Bucket
		if err := rows.Scan(&k, &b.Tokens, &b.At); err != nil {
			return nil, err
		}
		if b.Tokens < 0 { // created just now: a key never seen
			b = beforetrip.Bucket{}
		}
		out[k] = b
	}
	return out, rows.Err()
}

func putLoginBucket(ctx context.Context, tx pgx.Tx, key string, b beforetrip.Bucket, r beforetrip.Rate) error {
	_, err := tx.Exec(ctx, "UPDATE login_limits SET tokens = $2, at = $3, full_at = $4 WHERE key = $1",
		key, b.Tokens, b.At, r.FullAt(b))
	return err
}

// TakeLoginTokens implements beforetrip.LoginLimits.
func (db *DB) TakeLoginTokens(ctx context.Context, keys []string, r beforetrip.Rate, now time.Time) (time.Duration, error) {
	if err := ctxErr(ctx); err != nil {
		return 0, err
	}
	var wait time.Duration
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		have, err := lockLoginBuckets(ctx, tx, keys, now)
		if err != nil {
			return err
		}
		buckets := make([]beforetrip.Bucket, len(keys))
		for i, k := range keys {
			buckets[i] = have[k]
		}
		var out []beforetrip.Bucket
		if out, wait = r.TakeTokens(buckets, now); wait > 0 {
			return nil
		}
		for i, k := range keys {
			if err := putLoginBucket(ctx, tx, k, out[i], r); err != nil {
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
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		have, err := lockLoginBuckets(ctx, tx, keys, now)
		if err != nil {
			return err
		}
		for k, b := range have {
			if b.At.IsZero() { // a key never seen is full
				continue
			}
			if err := putLoginBucket(ctx, tx, k, r.GiveToken(b, now), r); err != nil {
				return err
			}
		}
		return nil
	})
	return wrap(err, "give login tokens")
}

// purgeLoginLimits forgets the buckets that are full again.
func (db *DB) purgeLoginLimits(ctx context.Context) (int, error) {
	tag, err := db.pool.Exec(ctx, "DELETE FROM login_limits WHERE full_at <= $1", db.now())
	if err != nil {
		return 0, wrap(err, "purge login limits")
	}
	return int(tag.RowsAffected()), nil
}
