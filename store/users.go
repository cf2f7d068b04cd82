package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// userRecord is a user as stored: the domain type hides PasswordHash from
// JSON, the file must keep it.
type userRecord struct {
	beforetrip.User
	PasswordHash []byte `json:"password_hash"`
}

// CreateUser stores a new account, assigning u.ID and u.CreatedAt.
// Username and email must be unique case-insensitively: ECONFLICT says which
// one is taken ("username taken" or "email taken").
func (db *DB) CreateUser(ctx context.Context, u *beforetrip.User) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if u.Username == "" || strings.ContainsRune(u.Username, sep) {
		return beforetrip.Invalid("username", "username required")
	}
	if u.Email == "" || strings.ContainsRune(u.Email, sep) {
		return beforetrip.Invalid("email", "email required")
	}
	if u.Role == "" {
		u.Role = beforetrip.RoleReader
	}
	if !u.Role.Valid() {
		return beforetrip.Invalid("role", "unknown role %q", u.Role)
	}
	name, email := []byte(strings.ToLower(u.Username)), []byte(strings.ToLower(u.Email))
	rec := userRecord{User: *u, PasswordHash: u.PasswordHash}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		names, emails := tx.Bucket(bucketUserNames), tx.Bucket(bucketUserEmails)
		if names.Get(name) != nil {
			return beforetrip.Errorf(beforetrip.ECONFLICT, "username taken")
		}
		if emails.Get(email) != nil {
			return beforetrip.Errorf(beforetrip.ECONFLICT, "email taken")
		}
		users := tx.Bucket(bucketUsers)
		id, err := users.NextSequence()
		if err != nil {
			return err
		}
		rec.ID = id
		rec.CreatedAt = time.Now().UTC()
		if err := putUser(tx, &rec); err != nil {
			return err
		}
		if err := names.Put(name, u64(id)); err != nil {
			return err
		}
		return emails.Put(email, u64(id))
	})
	if err != nil {
		return wrap(err, "create user %q", u.Username)
	}
	u.ID, u.CreatedAt = rec.ID, rec.CreatedAt
	return nil
}

// UserByID returns a user; ENOTFOUND if there is none.
func (db *DB) UserByID(ctx context.Context, id uint64) (*beforetrip.User, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var u *beforetrip.User
	err := db.bolt.View(func(tx *bolt.Tx) error {
		rec, err := getUser(tx, id)
		if err != nil {
			return err
		}
		u = rec.domain()
		return nil
	})
	if err != nil {
		return nil, wrap(err, "user %d", id)
	}
	return u, nil
}

// UserByLogin finds a user by username or email, case-insensitively;
// ENOTFOUND if neither matches.
func (db *DB) UserByLogin(ctx context.Context, login string) (*beforetrip.User, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var u *beforetrip.User
	err := db.bolt.View(func(tx *bolt.Tx) error {
		rec, err := userByLogin(tx, login)
		if err != nil {
			return err
		}
		u = rec.domain()
		return nil
	})
	if err != nil {
		return nil, wrap(err, "user by login")
	}
	return u, nil
}

// SetRole changes the role of the user named username (case-insensitive),
// audited as done from the command line.
func (db *DB) SetRole(ctx context.Context, username string, role beforetrip.Role) error {
	return db.ChangeRole(ctx, beforetrip.CLIActor, username, role)
}

// BlockUser blocks a user for good and revokes every session of theirs in
// the same transaction, so no refresh or access token of theirs works after
// it returns; audited as done from the command line.
func (db *DB) BlockUser(ctx context.Context, username string) error {
	return db.Block(ctx, beforetrip.CLIActor, username, beforetrip.Block{})
}

func (r *userRecord) domain() *beforetrip.User {
	u := r.User
	u.PasswordHash = r.PasswordHash
	return &u
}

func putUser(tx *bolt.Tx, rec *userRecord) error {
	v, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketUsers).Put(u64(rec.ID), v)
}

func getUser(tx *bolt.Tx, id uint64) (*userRecord, error) {
	v := tx.Bucket(bucketUsers).Get(u64(id))
	if v == nil {
		return nil, beforetrip.Errorf(beforetrip.ENOTFOUND, "user not found")
	}
	var rec userRecord
	if err := json.Unmarshal(v, &rec); err != nil {
		return nil, fmt.Errorf("decode user %d: %w", id, err)
	}
	return &rec, nil
}

func userByName(tx *bolt.Tx, name string) (*userRecord, error) {
	id := tx.Bucket(bucketUserNames).Get([]byte(strings.ToLower(name)))
	if id == nil {
		return nil, beforetrip.Errorf(beforetrip.ENOTFOUND, "user not found")
	}
	return getUser(tx, binary.BigEndian.Uint64(id))
}

func userByLogin(tx *bolt.Tx, login string) (*userRecord, error) {
	key := []byte(strings.ToLower(login))
	id := tx.Bucket(bucketUserNames).Get(key)
	if id == nil {
		id = tx.Bucket(bucketUserEmails).Get(key)
	}
	if id == nil {
		return nil, beforetrip.Errorf(beforetrip.ENOTFOUND, "user not found")
	}
	return getUser(tx, binary.BigEndian.Uint64(id))
}

// activeUser returns a writer that exists and is not blocked: the store
// refuses writes of blocked users itself, so a block races no request that
// is already past the API's check.
func activeUser(tx *bolt.Tx, id uint64) (*userRecord, error) {
	rec, err := getUser(tx, id)
	if err != nil {
		if beforetrip.ErrorCode(err) == beforetrip.ENOTFOUND {
			return nil, beforetrip.Invalid("user", "unknown user %d", id)
		}
		return nil, err
	}
	if rec.IsBlocked(time.Now()) {
		return nil, beforetrip.Errorf(beforetrip.EFORBIDDEN, "%s", rec.BlockMessage())
	}
	return rec, nil
}
