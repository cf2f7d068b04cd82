package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/jackc/pgx/v5"
)

// QueueMail stores m, assigning ID, CreatedAt and (if zero) SendAt.
func (db *DB) QueueMail(ctx context.Context, m *beforetrip.Mail) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if m.To == "" || m.Kind == "" {
		return beforetrip.Invalid("mail", "recipient and kind required")
	}
	row := *m
	err := db.inTx(ctx, func(tx pgx.Tx) error { return insertMail(ctx, tx, &row, db.now()) })
	if err != nil {
		return wrap(err, "queue %s mail", m.Kind)
	}
	*m = row
	return nil
}

// insertMail adds m to the outbox in tx.
func insertMail(ctx context.Context, tx pgx.Tx, m *beforetrip.Mail, now time.Time) error {
	var id int64
	if err := tx.QueryRow(ctx, "SELECT nextval(pg_get_serial_sequence('outbox', 'id'))").Scan(&id); err != nil {
		return err
	}
	m.ID, m.CreatedAt = uint64(id), now.UTC()
	if m.SendAt.IsZero() {
		m.SendAt = m.CreatedAt
	}
	// PostgreSQL keeps microseconds: the document keeps the same time as
	// the column the queue is ordered by.
	m.SendAt = m.SendAt.Truncate(time.Microsecond)
	v, err := json.Marshal(m)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "INSERT INTO outbox (id, send_at, doc) VALUES ($1, $2, $3)", id, m.SendAt, v)
	return err
}

// QueueReply adds r to the user's open reply batch (one not yet due nor
// tried), or opens a new batch due at now+window.
func (db *DB) QueueReply(ctx context.Context, m beforetrip.Mail, r beforetrip.MailReply, window time.Duration) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if m.UserID == 0 || m.To == "" {
		return beforetrip.Invalid("mail", "user and recipient required")
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		now := db.now()
		var id int64
		err := tx.QueryRow(ctx, "SELECT mail_id FROM reply_batches WHERE user_id = $1 FOR UPDATE", int64(m.UserID)).Scan(&id)
		if err == nil {
			open, err := getMail(ctx, tx, uint64(id))
			if err != nil {
				return err
			}
			if open.Attempts == 0 && open.SendAt.After(now) {
				open.Replies = append(open.Replies, r)
				return putMail(ctx, tx, open)
			}
		} else if err != pgx.ErrNoRows {
			return err
		}
		row := m
		row.Kind, row.Replies, row.SendAt = beforetrip.MailReplies, []beforetrip.MailReply{r}, now.Add(window).UTC()
		if err := insertMail(ctx, tx, &row, now); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO reply_batches (user_id, mail_id) VALUES ($1, $2)
			ON CONFLICT (user_id) DO UPDATE SET mail_id = excluded.mail_id`, int64(m.UserID), int64(row.ID))
		return err
	})
	return wrap(err, "queue reply for user %d", m.UserID)
}

// QueueTokenMail stores the token and queues the mails that compose makes
// for the account named by login, in one transaction; an unknown or
// blocked login queues nothing and is not an error.
func (db *DB) QueueTokenMail(ctx context.Context, login string, compose beforetrip.TokenMailFunc) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		u, err := userByLogin(ctx, tx, login)
		if beforetrip.ErrorCode(err) == beforetrip.ENOTFOUND {
			return nil
		}
		if err != nil || u.Blocked {
			return err
		}
		t, mails := compose(u)
		if t == nil {
			return nil
		}
		if t.UserID != u.ID || t.Selector == "" || len(t.VerifierHash) == 0 {
			return errors.New("token does not belong to the account")
		}
		v, err := json.Marshal(t)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO account_tokens (selector, user_id, expires_at, doc)
			VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, t.Selector, int64(t.UserID), t.ExpiresAt, v)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return beforetrip.Errorf(beforetrip.ECONFLICT, "token selector in use")
		}
		for i := range mails {
			if err := insertMail(ctx, tx, &mails[i], db.now()); err != nil {
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
	rows, err := db.pool.Query(ctx, "SELECT id, doc FROM outbox WHERE send_at <= $1 ORDER BY send_at, id LIMIT $2", now, limit)
	if err != nil {
		return nil, wrap(err, "due mails")
	}
	defer rows.Close()
	var out []beforetrip.Mail
	for rows.Next() {
		var id int64
		var v []byte
		if err := rows.Scan(&id, &v); err != nil {
			return nil, wrap(err, "due mails")
		}
		m, err := decodeMail(uint64(id), v)
		if err != nil {
			return nil, wrap(err, "due mails")
		}
		out = append(out, *m)
	}
	return out, wrap(rows.Err(), "due mails")
}

// NextMailAt returns when the earliest queued mail is due; ok false when
// the outbox is empty.
func (db *DB) NextMailAt(ctx context.Context) (time.Time, bool, error) {
	if err := ctxErr(ctx); err != nil {
		return time.Time{}, false, err
	}
	var at *time.Time
	if err := db.pool.QueryRow(ctx, "SELECT min(send_at) FROM outbox").Scan(&at); err != nil {
		return time.Time{}, false, wrap(err, "next mail")
	}
	if at == nil {
		return time.Time{}, false, nil
	}
	return *at, true, nil
}

// MailSent removes a delivered mail (and its reply batch); an unknown ID
// is not an error.
func (db *DB) MailSent(ctx context.Context, id uint64) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	_, err := db.pool.Exec(ctx, "DELETE FROM outbox WHERE id = $1", int64(id))
	return wrap(err, "mail %d sent", id)
}

// MailFailed records a failed attempt and when to try again.
func (db *DB) MailFailed(ctx context.Context, id uint64, next time.Time, reason string) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		m, err := getMail(ctx, tx, id)
		if err != nil {
			return err
		}
		m.Attempts++
		m.LastError, m.SendAt = reason, next.UTC()
		return putMail(ctx, tx, m)
	})
	return wrap(err, "mail %d failed", id)
}

// getMail reads and locks one mail; ENOTFOUND if unknown.
func getMail(ctx context.Context, tx pgx.Tx, id uint64) (*beforetrip.Mail, error) {
	var v []byte
	err := tx.QueryRow(ctx, "SELECT doc FROM outbox WHERE id = $1 FOR UPDATE", int64(id)).Scan(&v)
	if err == pgx.ErrNoRows {
		return nil, beforetrip.Errorf(beforetrip.ENOTFOUND, "mail not found")
	}
	if err != nil {
		return nil, err
	}
	return decodeMail(id, v)
}

// putMail rewrites a queued mail with its due time.
func putMail(ctx context.Context, tx pgx.Tx, m *beforetrip.Mail) error {
	m.SendAt = m.SendAt.Truncate(time.Microsecond)
	v, err := json.Marshal(m)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "UPDATE outbox SET send_at = $2, doc = $3 WHERE id = $1", int64(m.ID), m.SendAt, v)
	return err
}

func decodeMail(id uint64, v []byte) (*beforetrip.Mail, error) {
	var m beforetrip.Mail
	if err := json.Unmarshal(v, &m); err != nil {
		return nil, fmt.Errorf("decode mail %d: %w", id, err)
	}
	return &m, nil
}
