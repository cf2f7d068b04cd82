package store

import (
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Bucket names. The store owns them: no other package opens a transaction.
var (
	bucketMeta           = []byte("meta")               // "schema" → uint64 version
	bucketUsers          = []byte("users")              // userID → userRecord JSON
	bucketUserNames      = []byte("users_by_name")      // lower(username) → userID
	bucketUserEmails     = []byte("users_by_email")     // lower(email) → userID
	bucketSessions       = []byte("sessions")           // sessionID → Session JSON
	bucketSessionTokens  = []byte("sessions_by_token")  // current refresh hash → sessionID
	bucketSessionPrev    = []byte("sessions_prev")      // rotated-away refresh hash → sessionID
	bucketSessionUsers   = []byte("sessions_by_user")   // userID 0x00 sessionID → ""
	bucketSessionGrace   = []byte("sessions_grace")     // sessionID → graceRecord JSON (schema 2)
	bucketLikesByPage    = []byte("likes_by_page")      // page 0x00 userID → like time, Unix s(8), 0 = unknown (schema 7)
	bucketLikesByUser    = []byte("likes_by_user")      // userID 0x00 page → ""
	bucketLikesByTime    = []byte("likes_by_time")      // like time, Unix s(8) 0x00 page 0x00 userID → "" (schema 7)
	bucketCounters       = []byte("counters")           // page → likes(8) comments(8)
	bucketPages          = []byte("pages")              // page → pageRecord JSON (liked pages only)
	bucketPopular        = []byte("popular")            // schema 1–2 only: the popular index, now in memory (popIndex)
	bucketComments       = []byte("comments")           // page 0x00 commentID → Comment JSON
	bucketCommentPages   = []byte("comment_pages")      // commentID → page
	bucketPending        = []byte("comments_pending")   // commentID → page (awaiting approval)
	bucketReviews        = []byte("reviews")            // reviewID → Review JSON
	bucketReviewCountry  = []byte("reviews_by_country") // country 0x00 reviewID → ""
	bucketReviewAuthor   = []byte("reviews_by_author")  // authorID 0x00 reviewID → ""
	bucketReviewsPending = []byte("reviews_pending")    // reviewID → "" (awaiting approval, schema 4)
	bucketReports        = []byte("reports")            // kind(1) id(8) 0x00 userID → reportRecord JSON (schema 5)
	bucketReportsOpen    = []byte("reports_open")       // kind(1) id(8) → openRecord JSON: the reported queue (schema 5)
	bucketAudit          = []byte("audit")              // entryID → AuditEntry JSON (schema 5)
	bucketPageLocks      = []byte("page_locks")         // page → lockRecord JSON: read-only threads (schema 5)
	bucketPagePins       = []byte("page_pins")          // page → commentID: the pinned comment (schema 5)
	bucketTokens         = []byte("account_tokens")     // selector → AccountToken JSON (schema 6)
	bucketOutbox         = []byte("outbox")             // mailID → Mail JSON (schema 6)
	bucketOutboxDue      = []byte("outbox_due")         // sendAt unix ns(8) mailID(8) → "" (schema 6)
	bucketReplyBatches   = []byte("outbox_batches")     // userID → mailID of the open reply batch (schema 6)
	bucketLoginLimits    = []byte("login_limits")       // key → failed-login bucket (loginlimits.go, schema 9)
)

var keySchema = []byte("schema")

// migration upgrades the file by one schema version inside the Open
// transaction.
type migration func(tx *bolt.Tx) error

// migrations lists every step; step i brings a file from version i to i+1.
// Append, never edit: files in the field have run the earlier steps.
var migrations = []migration{
	createV1Buckets,
	createV2GraceBucket,
	dropV3PopularBucket,
	createV4ReviewQueue,
	createV5ModerationBuckets,
	createV6MailBuckets,
	createV7LikeTimes,
	markV8Unseen,
	createV9LoginLimits,
}

// createV1Buckets is schema version 1: every bucket the store uses.
func createV1Buckets(tx *bolt.Tx) error {
	for _, name := range [][]byte{
		bucketUsers, bucketUserNames, bucketUserEmails,
		bucketSessions, bucketSessionTokens, bucketSessionPrev, bucketSessionUsers,
		bucketLikesByPage, bucketLikesByUser, bucketCounters, bucketPages, bucketPopular,
		bucketComments, bucketCommentPages, bucketPending,
		bucketReviews, bucketReviewCountry, bucketReviewAuthor,
	} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// createV2GraceBucket is schema version 2: the refresh grace records. A
// version 1 file has none, so its rotated-away tokens get no grace.
func createV2GraceBucket(tx *bolt.Tx) error {
	if _, err := tx.CreateBucketIfNotExists(bucketSessionGrace); err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketSessionGrace, err)
	}
	return nil
}

// dropV3PopularBucket is schema version 3: the popular index moved to
// memory (popIndex, rebuilt at Open from the page records and counters),
// so its bucket goes.
func dropV3PopularBucket(tx *bolt.Tx) error {
	if err := tx.DeleteBucket(bucketPopular); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
		return fmt.Errorf("drop bucket %s: %w", bucketPopular, err)
	}
	return nil
}

// createV4ReviewQueue is schema version 4: the approval queue of reader
// reviews (reviews.moderation: pre). Earlier files have no pending review.
func createV4ReviewQueue(tx *bolt.Tx) error {
	if _, err := tx.CreateBucketIfNotExists(bucketReviewsPending); err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketReviewsPending, err)
	}
	return nil
}

// createV5ModerationBuckets is schema version 5: reports, the reported
// queue, the audit log, thread locks and pins. Earlier files have none.
func createV5ModerationBuckets(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketReports, bucketReportsOpen, bucketAudit, bucketPageLocks, bucketPagePins} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// createV6MailBuckets is schema version 6: account tokens (password
// reset, email verification) and the mail outbox.
func createV6MailBuckets(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketTokens, bucketOutbox, bucketOutboxDue, bucketReplyBatches} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// createV9LoginLimits is schema version 9: the failed-login token buckets,
// kept in the store (beforetrip.LoginLimits) rather than in memory.
func createV9LoginLimits(tx *bolt.Tx) error {
	if _, err := tx.CreateBucketIfNotExists(bucketLoginLimits); err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketLoginLimits, err)
	}
	return nil
}

// migrate brings the file to len(steps), all in the caller's transaction
// so a failing step leaves the file as it was.
func migrate(tx *bolt.Tx, steps []migration) error {
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return fmt.Errorf("create bucket meta: %w", err)
	}
	var version uint64
	if v := meta.Get(keySchema); v != nil {
		if len(v) != 8 {
			return fmt.Errorf("schema version: corrupt value %x", v)
		}
		version = binary.BigEndian.Uint64(v)
	}
	if version > uint64(len(steps)) {
		return fmt.Errorf("schema version %d is newer than this program supports (%d): upgrade beforetrip", version, len(steps))
	}
	for i := version; i < uint64(len(steps)); i++ {
		if err := steps[i](tx); err != nil {
			return fmt.Errorf("migration to schema version %d: %w", i+1, err)
		}
	}
	return meta.Put(keySchema, u64(uint64(len(steps))))
}

// SchemaVersion is the store file format this program writes.
func SchemaVersion() int { return len(migrations) }
