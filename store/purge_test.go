package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/store/storetest"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// TestPurgeSessions: expired and revoked sessions go with every index entry
// naming them (the store still verifies); live ones stay and keep working;
// a refresh token of a purged session is refused as before.
func TestPurgeSessions(t *testing.T) {
	ctx := context.Background()
	clock := storetest.NewClock()
	db := MustOpen(t, WithClock(clock.Now))
	alice := MustUser(t, db, "alice")
	session := func(id, token string, ttl time.Duration) {
		t.Helper()
		s := &beforetrip.Session{ID: id, UserID: alice.ID, TokenHash: []byte(token), ExpiresAt: clock.Now().Add(ttl)}
		if err := db.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	session("live", "l1", time.Hour)
	session("expiring", "e1", time.Minute)
	session("loggedout", "o1", time.Hour)
	if _, err := db.RotateSession(ctx, []byte("e1"), []byte("e2"), clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RotateSession(ctx, []byte("o1"), []byte("o2"), clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.RevokeSession(ctx, "loggedout"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Minute)

	n, err := db.PurgeSessions(ctx)
	if err != nil || n != 2 {
		t.Fatalf("PurgeSessions = %d, %v; want 2", n, err)
	}
	checkInvariants(t, db)
	if got := bucketLen(t, db, bucketSessions); got != 1 {
		t.Errorf("%d sessions left, want 1", got)
	}
	if got := bucketLen(t, db, bucketSessionPrev); got != 0 {
		t.Errorf("%d rotated-away tokens left, want 0", got)
	}
	if _, err := db.Session(ctx, "live"); err != nil {
		t.Errorf("live session after purge: %v", err)
	}
	for _, old := range []string{"e2", "o1", "o2"} {
		_, err := db.RotateSession(ctx, []byte(old), []byte("new-"+old), clock.Now().Add(time.Hour))
		wantCode(t, err, beforetrip.EUNAUTHENTICATED)
	}
	if n, err := db.PurgeSessions(ctx); err != nil || n != 0 {
		t.Errorf("second purge = %d, %v; want 0", n, err)
	}
}

// TestPurgeSessionsInBatches: more unusable sessions than one transaction
// takes are all purged.
func TestPurgeSessionsInBatches(t *testing.T) {
	ctx := context.Background()
	clock := storetest.NewClock()
	db := MustOpen(t, WithClock(clock.Now), WithNoSync()) // 2,005 sessions
	bob := MustUser(t, db, "bob")
	for i := range purgeBatch*2 + 5 {
		s := &beforetrip.Session{ID: fmt.Sprint("s", i), UserID: bob.ID, TokenHash: []byte(fmt.Sprint("t", i)), ExpiresAt: clock.Now().Add(time.Minute)}
		if err := db.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(time.Hour)
	if n, err := db.PurgeSessions(ctx); err != nil || n != purgeBatch*2+5 {
		t.Fatalf("PurgeSessions = %d, %v", n, err)
	}
	checkInvariants(t, db)
	if got := bucketLen(t, db, bucketSessionUsers); got != 0 {
		t.Errorf("%d user index entries left", got)
	}
}

// bucketLen counts the keys of one bucket.
func bucketLen(tb testing.TB, db *DB, name []byte) int {
	tb.Helper()
	n := 0
	err := db.bolt.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(name).Stats().KeyN
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}
