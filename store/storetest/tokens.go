package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

// mustToken stores tok through QueueTokenMail, as the API does.
func mustToken(tb testing.TB, db Store, tok *beforetrip.AccountToken) {
	tb.Helper()
	u, err := db.UserByID(context.Background(), tok.UserID)
	if err != nil {
		tb.Fatal(err)
	}
	err = db.QueueTokenMail(context.Background(), u.Username, func(*beforetrip.User) (*beforetrip.AccountToken, []beforetrip.Mail) {
		return tok, nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func (b Backend) testResetTokenSingleUseAndExpiry(t *testing.T) {
	ctx := context.Background()
	now, advance := SteppedClock()
	db := b.openClock(t, now)
	alice := MustUser(t, db, "alice")
	sess := &beforetrip.Session{ID: "s1", UserID: alice.ID, TokenHash: []byte("h1"), ExpiresAt: now().Add(time.Hour)}
	if err := db.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	mint := func(kind beforetrip.TokenKind, ttl time.Duration) beforetrip.TokenProof {
		raw, tok := beforetrip.NewAccountToken(kind, alice.ID, alice.Email, now(), ttl)
		mustToken(t, db, tok)
		p, err := beforetrip.ParseAccountToken(raw)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := mint(beforetrip.TokenReset, time.Hour)

	// A wrong verifier under the right selector is refused and does not
	// use the token up.
	bad := p
	bad.VerifierHash = append([]byte(nil), p.VerifierHash...)
	bad.VerifierHash[0] ^= 1
	_, err := db.ResetPassword(ctx, bad, []byte("new"))
	wantCode(t, err, beforetrip.EINVALID)
	// A verify token is not a reset token.
	_, err = db.ResetPassword(ctx, mint(beforetrip.TokenVerify, time.Hour), []byte("new"))
	wantCode(t, err, beforetrip.EINVALID)

	u, err := db.ResetPassword(ctx, p, []byte("new"))
	if err != nil {
		t.Fatal(err)
	}
	if string(u.PasswordHash) != "new" {
		t.Errorf("password hash = %q, want new", u.PasswordHash)
	}
	if _, err := db.Session(ctx, "s1"); beforetrip.ErrorCode(err) != beforetrip.EUNAUTHENTICATED {
		t.Errorf("session after reset: %v, want revoked", err)
	}
	_, err = db.ResetPassword(ctx, p, []byte("again"))
	wantCode(t, err, beforetrip.EINVALID)

	expiring := mint(beforetrip.TokenReset, time.Hour)
	advance(time.Hour)
	_, err = db.ResetPassword(ctx, expiring, []byte("late"))
	wantCode(t, err, beforetrip.EINVALID)
	if n, err := b.PurgeTokens(db); err != nil || n != 2 { // the expired reset and the unused verify
		t.Errorf("purged %d tokens (%v), want 2", n, err)
	}
	b.check(t, db)
}

func (b Backend) testChangePasswordKeepsOneSession(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	alice := MustUser(t, db, "alice")
	for _, id := range []string{"keep", "other"} {
		s := &beforetrip.Session{ID: id, UserID: alice.ID, TokenHash: []byte("h-" + id), ExpiresAt: time.Now().Add(time.Hour)}
		if err := db.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.ChangePassword(ctx, alice.ID, []byte("changed"), "keep"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Session(ctx, "keep"); err != nil {
		t.Errorf("kept session: %v", err)
	}
	if _, err := db.Session(ctx, "other"); err == nil {
		t.Error("other session still usable")
	}
	b.check(t, db)
}

func (b Backend) testVerifyEmailChange(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	alice, bob := MustUser(t, db, "alice"), MustUser(t, db, "bob")
	verify := func(u *beforetrip.User, email string) (*beforetrip.User, error) {
		raw, tok := beforetrip.NewAccountToken(beforetrip.TokenVerify, u.ID, email, time.Now(), time.Hour)
		mustToken(t, db, tok)
		p, _ := beforetrip.ParseAccountToken(raw)
		return db.VerifyEmail(ctx, p)
	}
	u, err := verify(alice, alice.Email)
	if err != nil || !u.EmailVerified || u.Email != alice.Email {
		t.Fatalf("verify own address: %+v, %v", u, err)
	}
	if _, err := verify(alice, bob.Email); beforetrip.ErrorCode(err) != beforetrip.ECONFLICT {
		t.Errorf("taking bob's address: %v, want conflict", err)
	}
	u, err = verify(alice, "alice@new.example")
	if err != nil || u.Email != "alice@new.example" || !u.EmailVerified {
		t.Fatalf("change: %+v, %v", u, err)
	}
	if got, err := db.UserByLogin(ctx, "alice@new.example"); err != nil || got.ID != alice.ID {
		t.Errorf("login by new address: %v, %v", got, err)
	}
	if _, err := db.UserByLogin(ctx, "alice@example.com"); beforetrip.ErrorCode(err) != beforetrip.ENOTFOUND {
		t.Errorf("old address still logs in: %v", err)
	}
	b.check(t, db)
}
