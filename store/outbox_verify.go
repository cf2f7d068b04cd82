package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// verifyMail checks the outbox and the account tokens: the due index
// holds exactly one key per mail, at its send time; each open reply batch
// is a replies mail of its user; each token names an existing user under
// its own selector.
func verifyMail(tx *bolt.Tx, report reporter) error {
	due := map[string]string{}
	err := tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
		var m beforetrip.Mail
		if err := json.Unmarshal(v, &m); err != nil {
			return fmt.Errorf("decode mail %x: %w", k, err)
		}
		if len(k) != 8 || binary.BigEndian.Uint64(k) != m.ID {
			report("outbox: key %x holds mail %d", k, m.ID)
		}
		due[string(dueKey(m.SendAt, m.ID))] = ""
		return nil
	})
	if err != nil {
		return err
	}
	if err := verifyIndex(tx.Bucket(bucketOutboxDue), "outbox_due", due, report); err != nil {
		return err
	}
	err = tx.Bucket(bucketReplyBatches).ForEach(func(k, v []byte) error {
		if len(k) != 8 || len(v) != 8 {
			report("outbox_batches: malformed entry %x → %x", k, v)
			return nil
		}
		m, err := getMail(tx, binary.BigEndian.Uint64(v))
		if err != nil || m.Kind != beforetrip.MailReplies || m.UserID != binary.BigEndian.Uint64(k) {
			report("outbox_batches: user %d names mail %d, which is not their reply batch", binary.BigEndian.Uint64(k), binary.BigEndian.Uint64(v))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tx.Bucket(bucketTokens).ForEach(func(k, v []byte) error {
		var t beforetrip.AccountToken
		if err := json.Unmarshal(v, &t); err != nil {
			return fmt.Errorf("decode token: %w", err)
		}
		if t.Selector != string(k) {
			report("account_tokens: key %q holds selector %q", k, t.Selector)
		}
		if tx.Bucket(bucketUsers).Get(u64(t.UserID)) == nil {
			report("account_tokens: token %q names unknown user %d", k, t.UserID)
		}
		return nil
	})
}
