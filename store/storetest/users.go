package storetest

import (
	"context"
	"testing"

	"github.com/beforetrip/beforetrip"
)

func (b Backend) testCreateUser(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	alice := MustUser(t, db, "alice")
	if alice.ID == 0 || alice.CreatedAt.IsZero() || alice.Role != beforetrip.RoleReader {
		t.Fatalf("created user = %+v: want ID, CreatedAt and role reader", alice)
	}
	tests := []struct {
		name string
		user beforetrip.User
		code string
		msg  string
	}{
		{"username taken, other case", beforetrip.User{Username: "ALICE", Email: "x@example.com"}, beforetrip.ECONFLICT, "username taken"},
		{"email taken, other case", beforetrip.User{Username: "bob", Email: "Alice@Example.COM"}, beforetrip.ECONFLICT, "email taken"},
		{"no username", beforetrip.User{Email: "y@example.com"}, beforetrip.EINVALID, ""},
		{"no email", beforetrip.User{Username: "carol"}, beforetrip.EINVALID, ""},
		{"bad role", beforetrip.User{Username: "dave", Email: "d@example.com", Role: "root"}, beforetrip.EINVALID, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.user
			err := db.CreateUser(ctx, &u)
			wantCode(t, err, tt.code)
			if tt.msg != "" && beforetrip.ErrorMessage(err) != tt.msg {
				t.Errorf("message = %q, want %q", beforetrip.ErrorMessage(err), tt.msg)
			}
		})
	}
	b.check(t, db)
}

func (b Backend) testUserLookup(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	alice := MustUser(t, db, "alice")
	for _, login := range []string{"alice", "ALICE", "alice@example.com", "Alice@EXAMPLE.com"} {
		t.Run(login, func(t *testing.T) {
			u, err := db.UserByLogin(ctx, login)
			if err != nil {
				t.Fatal(err)
			}
			if u.ID != alice.ID || string(u.PasswordHash) != "hash-alice" || u.Email != "alice@example.com" {
				t.Errorf("got %+v, want alice with her hash", u)
			}
		})
	}
	_, err := db.UserByLogin(ctx, "nobody")
	wantCode(t, err, beforetrip.ENOTFOUND)
	u, err := db.UserByID(ctx, alice.ID)
	if err != nil || u.Username != "alice" {
		t.Fatalf("UserByID = %+v, %v", u, err)
	}
	_, err = db.UserByID(ctx, 999)
	wantCode(t, err, beforetrip.ENOTFOUND)
}

func (b Backend) testSetRole(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	alice := MustUser(t, db, "alice")
	if err := db.SetRole(ctx, "Alice", beforetrip.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	u, _ := db.UserByID(ctx, alice.ID)
	if u.Role != beforetrip.RoleAdmin {
		t.Errorf("role = %q, want admin", u.Role)
	}
	wantCode(t, db.SetRole(ctx, "nobody", beforetrip.RoleEditor), beforetrip.ENOTFOUND)
	wantCode(t, db.SetRole(ctx, "alice", "root"), beforetrip.EINVALID)
}
