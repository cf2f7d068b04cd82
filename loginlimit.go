package beforetrip

import (
	"context"
	"math"
	"time"
)

// Rate is a token bucket rule: a bucket holds up to Burst tokens and
// regains Burst of them every Per.
type Rate struct {
	Burst int
	Per   time.Duration
}

// Bucket is the state of one key's token bucket: Tokens at time At. The
// zero Bucket is a key never seen, whose bucket is full.
type Bucket struct {
	Tokens float64
	At     time.Time
}

// perSecond is how many tokens a bucket regains per second.
func (r Rate) perSecond() float64 { return float64(r.Burst) / r.Per.Seconds() }

// Refill returns b as it stands at now: refilled for the time since At,
// never above the burst.
func (r Rate) Refill(b Bucket, now time.Time) Bucket {
	if b.At.IsZero() {
		return Bucket{Tokens: float64(r.Burst), At: now}
	}
	gained := max(now.Sub(b.At).Seconds(), 0) * r.perSecond()
	return Bucket{Tokens: math.Min(float64(r.Burst), b.Tokens+gained), At: now}
}

// Wait is how long until the refilled bucket b holds one token (0 when it
// does).
func (r Rate) Wait(b Bucket) time.Duration {
	if b.Tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.Tokens) / r.perSecond() * float64(time.Second))
}

// FullAt is when b will be full again: from then on it is the same as a
// key never seen, and a store may forget it.
func (r Rate) FullAt(b Bucket) time.Time {
	missing := float64(r.Burst) - b.Tokens
	return b.At.Add(time.Duration(missing / r.perSecond() * float64(time.Second)))
}

// LoginLimits keeps the token buckets of failed logins (per IP, per login
// name as typed, per account: DESIGN.md) in the store, so that every API
// instance on one store counts the same guesses. Keys are the caller's
// ("ip:…", "name:…"); each call's buckets change in one transaction.
type LoginLimits interface {
	// TakeLoginTokens spends one token of each key's bucket, refilled to
	// now under r, if every one has a token, and returns 0; otherwise it
	// spends nothing and returns how long until all of them have one.
	TakeLoginTokens(ctx context.Context, keys []string, r Rate, now time.Time) (time.Duration, error)
	// GiveLoginTokens gives one token back to each key's bucket (a
	// correct login), never above the burst; a key without a bucket is
	// full already.
	GiveLoginTokens(ctx context.Context, keys []string, r Rate, now time.Time) error
}

// TakeTokens applies TakeLoginTokens to the buckets of its keys (as
// loaded; the zero Bucket for an unknown key): it returns them refilled
// and, when every one had a token, spent; and the wait otherwise.
func (r Rate) TakeTokens(buckets []Bucket, now time.Time) ([]Bucket, time.Duration) {
	out := make([]Bucket, len(buckets))
	var wait time.Duration
	for i, b := range buckets {
		out[i] = r.Refill(b, now)
		wait = max(wait, r.Wait(out[i]))
	}
	if wait > 0 {
		return out, wait
	}
	for i := range out {
		out[i].Tokens--
	}
	return out, 0
}

// GiveToken returns b refilled to now with one token given back.
func (r Rate) GiveToken(b Bucket, now time.Time) Bucket {
	b = r.Refill(b, now)
	b.Tokens = math.Min(float64(r.Burst), b.Tokens+1)
	return b
}
