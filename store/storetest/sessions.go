package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

// MustSession stores a browser session of user with refresh hash token.
func MustSession(tb testing.TB, db Store, id string, user uint64, token string) *beforetrip.Session {
	tb.Helper()
	s := &beforetrip.Session{ID: id, UserID: user, TokenHash: []byte(token), ExpiresAt: time.Now().Add(time.Hour)}
	if err := db.CreateSession(context.Background(), s); err != nil {
		tb.Fatalf("create session %s: %v", id, err)
	}
	return s
}

func (b Backend) testSessionLifecycle(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	alice := MustUser(t, db, "alice")
	MustSession(t, db, "s1", alice.ID, "t1")

	got, err := db.Session(ctx, "s1")
	if err != nil || got.UserID != alice.ID || string(got.TokenHash) != "t1" || got.CreatedAt.IsZero() {
		t.Fatalf("Session = %+v, %v", got, err)
	}
	exp := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
	rot, err := db.RotateSession(ctx, []byte("t1"), []byte("t2"), exp)
	if err != nil {
		t.Fatal(err)
	}
	if rot.ID != "s1" || string(rot.TokenHash) != "t2" || !rot.ExpiresAt.Equal(exp) {
		t.Errorf("rotated = %+v, want s1 with t2 until %v", rot, exp)
	}
	if _, err := db.RotateSession(ctx, []byte("t2"), []byte("t3"), exp); err != nil {
		t.Fatalf("second rotation: %v", err)
	}
	b.check(t, db)

	if err := db.RevokeSession(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	_, err = db.Session(ctx, "s1")
	wantCode(t, err, beforetrip.EUNAUTHENTICATED)
	_, err = db.RotateSession(ctx, []byte("t3"), []byte("t4"), exp)
	wantCode(t, err, beforetrip.EUNAUTHENTICATED)
	if err := db.RevokeSession(ctx, "unknown"); err != nil {
		t.Errorf("revoking an unknown session: %v", err)
	}
	b.check(t, db)
}

func (b Backend) testRefreshReuseRevokes(t *testing.T) {
	ctx := context.Background()
	clock := NewClock()
	db := b.openClock(t, clock.Now)
	alice := MustUser(t, db, "alice")
	MustSession(t, db, "s1", alice.ID, "t1")
	exp := time.Now().Add(time.Hour)
	if _, err := db.RotateSession(ctx, []byte("t1"), []byte("t2"), exp); err != nil {
		t.Fatal(err)
	}
	// A thief replays t1 once its grace period is over: the session dies,
	// also for the legitimate t2.
	clock.Advance(b.RefreshGrace)
	_, err := db.RotateSession(ctx, []byte("t1"), []byte("x"), exp)
	wantCode(t, err, beforetrip.EUNAUTHENTICATED)
	_, err = db.Session(ctx, "s1")
	wantCode(t, err, beforetrip.EUNAUTHENTICATED)
	_, err = db.RotateSession(ctx, []byte("t2"), []byte("t3"), exp)
	wantCode(t, err, beforetrip.EUNAUTHENTICATED)
	b.check(t, db)
}

func (b Backend) testSessionErrors(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	alice := MustUser(t, db, "alice")
	MustSession(t, db, "s1", alice.ID, "t1")
	expired := &beforetrip.Session{ID: "old", UserID: alice.ID, TokenHash: []byte("e1"), ExpiresAt: time.Now().Add(-time.Minute)}
	if err := db.CreateSession(ctx, expired); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		run  func() error
		code string
	}{
		{"duplicate ID", func() error {
			return db.CreateSession(ctx, &beforetrip.Session{ID: "s1", UserID: alice.ID, ExpiresAt: time.Now().Add(time.Hour)})
		}, beforetrip.ECONFLICT},
		{"token in use", func() error {
			return db.CreateSession(ctx, &beforetrip.Session{ID: "s2", UserID: alice.ID, TokenHash: []byte("t1"), ExpiresAt: time.Now().Add(time.Hour)})
		}, beforetrip.ECONFLICT},
		{"unknown user", func() error {
			return db.CreateSession(ctx, &beforetrip.Session{ID: "s3", UserID: 99, ExpiresAt: time.Now().Add(time.Hour)})
		}, beforetrip.EINVALID},
		{"no ID", func() error {
			return db.CreateSession(ctx, &beforetrip.Session{UserID: alice.ID})
		}, beforetrip.EINVALID},
		{"unknown session", func() error { _, err := db.Session(ctx, "nope"); return err }, beforetrip.ENOTFOUND},
		{"expired session", func() error { _, err := db.Session(ctx, "old"); return err }, beforetrip.EUNAUTHENTICATED},
		{"rotate expired", func() error {
			_, err := db.RotateSession(ctx, []byte("e1"), []byte("e2"), time.Now().Add(time.Hour))
			return err
		}, beforetrip.EUNAUTHENTICATED},
		{"rotate unknown token", func() error {
			_, err := db.RotateSession(ctx, []byte("zz"), []byte("e2"), time.Now().Add(time.Hour))
			return err
		}, beforetrip.EUNAUTHENTICATED},
		{"rotate to a used token", func() error {
			_, err := db.RotateSession(ctx, []byte("t1"), []byte("e1"), time.Now().Add(time.Hour))
			return err
		}, beforetrip.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.run(), tt.code) })
	}
	b.check(t, db)
}

func (b Backend) testBlockRevokesSessions(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	alice, bob := MustUser(t, db, "alice"), MustUser(t, db, "bob")
	MustSession(t, db, "a1", alice.ID, "ta1")
	MustSession(t, db, "a2", alice.ID, "ta2")
	MustSession(t, db, "b1", bob.ID, "tb1")
	if err := db.BlockUser(ctx, "ALICE"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a1", "a2"} {
		_, err := db.Session(ctx, id)
		wantCode(t, err, beforetrip.EUNAUTHENTICATED)
	}
	if _, err := db.Session(ctx, "b1"); err != nil {
		t.Errorf("bob's session: %v", err)
	}
	u, _ := db.UserByID(ctx, alice.ID)
	if !u.Blocked {
		t.Error("alice not marked blocked")
	}
	// A blocked user can neither log in again nor write.
	err := db.CreateSession(ctx, &beforetrip.Session{ID: "a3", UserID: alice.ID, ExpiresAt: time.Now().Add(time.Hour)})
	wantCode(t, err, beforetrip.EFORBIDDEN)
	_, err = db.SetLike(ctx, TipPage("japan", "x", time.Time{}), alice.ID, true)
	wantCode(t, err, beforetrip.EFORBIDDEN)
	wantCode(t, db.BlockUser(ctx, "nobody"), beforetrip.ENOTFOUND)
	b.check(t, db)
}
