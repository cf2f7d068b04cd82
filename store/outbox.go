package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// The outbox: mails wait in bucketOutbox, ordered for the sender by
// bucketOutboxDue (send time, then ID). A queued mail is committed (and
// fsynced) like every other write, so it survives a crash until the
// sender has delivered it and called MailSent.

// dueKey orders mails by send time, then ID.
func dueKey(at time.Time, id uint64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, uint64(max(at.UnixNano(), 0)))
	binary.BigEndian.PutUint64(k[8:], id)
	return k
}

// QueueMail stores m in the outbox, assigning m.ID, m.CreatedAt and, when
// zero, m.SendAt (now).
func (db *DB) QueueMail(ctx context.Context, m *beforetrip.Mail) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if m.To == "" || m.Kind == "" {
		return beforetrip.Invalid("mail", "recipient and kind required")
	}
	row := *m
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		return insertMail(tx, &row, db.now())
	})
	if err != nil {
		return wrap(err, "queue %s mail", m.Kind)
	}
	*m = row
	return nil
}

func insertMail(tx *bolt.Tx, m *beforetrip.Mail, now time.Time) error {
	id, err := tx.Bucket(bucketOutbox).NextSequence()
	if err != nil {
		return err
	}
	m.ID, m.CreatedAt = id, now.UTC()
	if m.SendAt.IsZero() {
		m.SendAt = m.CreatedAt
	}
	if err := putJSON(tx.Bucket(bucketOutbox), u64(id), m); err != nil {
		return err
	}
	return tx.Bucket(bucketOutboxDue).Put(dueKey(m.SendAt, id), nil)
}

// QueueReply adds r to the open reply batch of m.UserID, or opens a batch
// (m with r) due at now+window. A batch is open until it is due: from then
// on the sender may be delivering it, and a later reply opens the next.
func (db *DB) QueueReply(ctx context.Context, m beforetrip.Mail, r beforetrip.MailReply, window time.Duration) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if m.UserID == 0 || m.To == "" {
		return beforetrip.Invalid("mail", "user and recipient required")
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		now := db.now()
		batches := tx.Bucket(bucketReplyBatches)
		if id := batches.Get(u64(m.UserID)); id != nil {
			open, err := getMail(tx, binary.BigEndian.Uint64(id))
			if err != nil {
				return err
			}
			if open.Attempts == 0 && open.SendAt.After(now) {
				open.Replies = append(open.Replies, r)
				return putJSON(tx.Bucket(bucketOutbox), u64(open.ID), open)
			}
		}
		row := m
		row.Kind, row.Replies, row.SendAt = beforetrip.MailReplies, []beforetrip.MailReply{r}, now.Add(window).UTC()
		if err := insertMail(tx, &row, now); err != nil {
			return err
		}
		return batches.Put(u64(m.UserID), u64(row.ID))
	})
	return wrap(err, "queue reply for user %d", m.UserID)
}

// QueueTokenMail stores the token and mails compose returns for the account
// login names, in one transaction; an unknown or blocked account commits
// an empty transaction instead, which costs the same fsync (bbolt writes
// its meta page on every commit), so the caller's answer takes as long.
func (db *DB) QueueTokenMail(ctx context.Context, login string, compose beforetrip.TokenMailFunc) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		rec, err := userByLogin(tx, login)
		if beforetrip.ErrorCode(err) == beforetrip.ENOTFOUND {
			return nil
		}
		if err != nil || rec.Blocked {
			return err
		}
		t, mails := compose(rec.domain())
		if t == nil {
			return nil
		}
		if t.UserID != rec.ID || t.Selector == "" || len(t.VerifierHash) == 0 {
			return errors.New("token does not belong to the account")
		}
		b := tx.Bucket(bucketTokens)
		if b.Get([]byte(t.Selector)) != nil {
			return beforetrip.Errorf(beforetrip.ECONFLICT, "token selector in use")
		}
		if err := putJSON(b, []byte(t.Selector), t); err != nil {
			return err
		}
		for i := range mails {
			if err := insertMail(tx, &mails[i], db.now()); err != nil {
				return err
			}
		}
		return nil
	})
	return wrap(err, "queue token mail")
}

// DueMails returns up to limit mails due at now, earliest first.
func (db *DB) DueMails(ctx context.Context, now time.Time, limit int) ([]beforetrip.Mail, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var out []beforetrip.Mail
	end := dueKey(now, ^uint64(0))
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOutboxDue).Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k, end) <= 0 && len(out) < limit; k, _ = c.Next() {
			m, err := getMail(tx, binary.BigEndian.Uint64(k[8:]))
			if err != nil {
				return err
			}
			out = append(out, *m)
		}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "due mails")
	}
	return out, nil
}

// NextMailAt returns when the earliest queued mail is due; ok is false
// when the outbox is empty.
func (db *DB) NextMailAt(ctx context.Context) (time.Time, bool, error) {
	if err := ctxErr(ctx); err != nil {
		return time.Time{}, false, err
	}
	var at time.Time
	ok := false
	err := db.bolt.View(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketOutboxDue).Cursor().First()
		if k != nil {
			at, ok = time.Unix(0, int64(binary.BigEndian.Uint64(k[:8]))), true
		}
		return nil
	})
	return at, ok, wrap(err, "next mail")
}

// MailSent removes a delivered mail from the outbox. An unknown ID is not
// an error (delivered twice after a crash between send and this call).
func (db *DB) MailSent(ctx context.Context, id uint64) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		m, err := getMail(tx, id)
		if beforetrip.ErrorCode(err) == beforetrip.ENOTFOUND {
			return nil
		}
		if err != nil {
			return err
		}
		return deleteMail(tx, m)
	})
	return wrap(err, "mail %d sent", id)
}

func deleteMail(tx *bolt.Tx, m *beforetrip.Mail) error {
	if err := tx.Bucket(bucketOutbox).Delete(u64(m.ID)); err != nil {
		return err
	}
	if err := tx.Bucket(bucketOutboxDue).Delete(dueKey(m.SendAt, m.ID)); err != nil {
		return err
	}
	batches := tx.Bucket(bucketReplyBatches)
	if m.UserID != 0 && bytes.Equal(batches.Get(u64(m.UserID)), u64(m.ID)) {
		return batches.Delete(u64(m.UserID))
	}
	return nil
}

// MailFailed records a failed attempt and reschedules the mail at next.
func (db *DB) MailFailed(ctx context.Context, id uint64, next time.Time, reason string) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		m, err := getMail(tx, id)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketOutboxDue).Delete(dueKey(m.SendAt, m.ID)); err != nil {
			return err
		}
		m.Attempts++
		m.LastError, m.SendAt = reason, next.UTC()
		if err := putJSON(tx.Bucket(bucketOutbox), u64(id), m); err != nil {
			return err
		}
		return tx.Bucket(bucketOutboxDue).Put(dueKey(m.SendAt, id), nil)
	})
	return wrap(err, "mail %d failed", id)
}

func getMail(tx *bolt.Tx, id uint64) (*beforetrip.Mail, error) {
	v := tx.Bucket(bucketOutbox).Get(u64(id))
	if v == nil {
		return nil, beforetrip.Errorf(beforetrip.ENOTFOUND, "mail not found")
	}
	var m beforetrip.Mail
	if err := json.Unmarshal(v, &m); err != nil {
		return nil, fmt.Errorf("decode mail %d: %w", id, err)
	}
	return &m, nil
}
