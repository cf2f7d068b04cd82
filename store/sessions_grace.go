package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// RefreshGrace is how long a refresh token that was just rotated away
// still rotates instead of revoking the session. Two tabs of one browser
// (one cookie jar) that refresh at the same moment both present the same
// token, and so does a refresh retried after its answer was lost: without
// a grace period the second request looks like a replayed stolen token
// and logs the reader out. 20 s covers a burst of tabs and a retry while
// keeping a thief's window short.
const RefreshGrace = 20 * time.Second

// maxGraceTokens bounds a grace record: tabs beyond it in one burst lose
// their grace, which is harmless (they revoke like any older token would).
const maxGraceTokens = 8

// graceRecord is a session's latest refresh burst: the tokens it rotated
// away, accepted until Until. A rotation with the current token starts a
// new burst (the replaced token alone); a grace rotation adds the token it
// replaces and slides Until, since the browser may keep either answer's
// cookie. Everything rotated away before the burst is an older token.
type graceRecord struct {
	Until  time.Time `json:"until"`
	Tokens [][]byte  `json:"tokens"`
}

// has reports whether hash is one of the burst's tokens.
func (g *graceRecord) has(hash []byte) bool {
	for _, t := range g.Tokens {
		if bytes.Equal(t, hash) {
			return true
		}
	}
	return false
}

// inGrace reports whether the rotated-away token hash of session sid may
// still rotate at now, and returns the session's grace record.
func inGrace(tx *bolt.Tx, sid, hash []byte, now time.Time) (*graceRecord, bool, error) {
	g, err := getGrace(tx, sid)
	if err != nil || g == nil {
		return nil, false, err
	}
	return g, now.Before(g.Until) && g.has(hash), nil
}

// putGrace records that replaced was rotated away at now: it starts a new
// burst, or joins burst when the rotation was itself a grace reuse.
func putGrace(tx *bolt.Tx, sid string, burst *graceRecord, replaced []byte, now time.Time) error {
	g := graceRecord{Tokens: [][]byte{bytes.Clone(replaced)}}
	if burst != nil {
		g.Tokens = append(burst.Tokens, g.Tokens...)
		if n := len(g.Tokens); n > maxGraceTokens {
			g.Tokens = g.Tokens[n-maxGraceTokens:]
		}
	}
	g.Until = now.Add(RefreshGrace)
	v, err := json.Marshal(g)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketSessionGrace).Put([]byte(sid), v)
}

// getGrace returns a session's grace record, nil if it has none.
func getGrace(tx *bolt.Tx, sid []byte) (*graceRecord, error) {
	v := tx.Bucket(bucketSessionGrace).Get(sid)
	if v == nil {
		return nil, nil
	}
	var g graceRecord
	if err := json.Unmarshal(v, &g); err != nil {
		return nil, fmt.Errorf("decode grace record of session %q: %w", sid, err)
	}
	return &g, nil
}

// verifyGrace checks that every grace record belongs to a live (not
// revoked) session and names only that session's rotated-away tokens.
func verifyGrace(tx *bolt.Tx, report reporter) error {
	prev := tx.Bucket(bucketSessionPrev)
	return tx.Bucket(bucketSessionGrace).ForEach(func(k, v []byte) error {
		s, err := getSession(tx, k)
		if beforetrip.ErrorCode(err) == beforetrip.ENOTFOUND {
			report("sessions_grace: unknown session %q", k)
			return nil
		}
		if err != nil {
			return err
		}
		if s.Revoked {
			report("sessions_grace: session %q is revoked", k)
		}
		var g graceRecord
		if err := json.Unmarshal(v, &g); err != nil {
			report("sessions_grace: session %q: %v", k, err)
			return nil
		}
		if len(g.Tokens) == 0 || len(g.Tokens) > maxGraceTokens {
			report("sessions_grace: session %q has %d tokens", k, len(g.Tokens))
		}
		for _, t := range g.Tokens {
			if !bytes.Equal(prev.Get(t), k) {
				report("sessions_grace: token %x of session %q is not a rotated-away token of it", t, k)
			}
		}
		return nil
	})
}
