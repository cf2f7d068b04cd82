package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/store/storetest"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "beforetrip.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// flock locks belong to the open file, so a second Open in this
	// process is refused exactly like another process would be.
	_, err = Open(path, WithTimeout(50*time.Millisecond))
	if err == nil || !strings.Contains(err.Error(), "store "+path+" is locked by another process") {
		t.Fatalf("second Open: %v, want a lock error naming the file", err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, bytes.Repeat([]byte("x"), 8192), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(garbage); err == nil {
		t.Error("opening a non-bbolt file succeeded")
	}
	if _, err := Open(filepath.Join(dir, "missing", "beforetrip.db")); err == nil {
		t.Error("opening in a missing folder succeeded")
	}
}

func TestMigrate(t *testing.T) {
	raw, err := bolt.Open(filepath.Join(t.TempDir(), "m.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var ran []int
	step := func(n int) migration {
		return func(tx *bolt.Tx) error { ran = append(ran, n); return nil }
	}
	run := func(steps ...migration) error {
		return raw.Update(func(tx *bolt.Tx) error { return migrate(tx, steps) })
	}
	version := func() uint64 {
		var v []byte
		raw.View(func(tx *bolt.Tx) error { v = clone(tx.Bucket(bucketMeta).Get(keySchema)); return nil })
		return uint64FromBytes(v)
	}
	if err := run(step(1)); err != nil || fmt.Sprint(ran) != "[1]" || version() != 1 {
		t.Fatalf("first run: ran %v, version %d, %v", ran, version(), err)
	}
	// Only the new steps run, in order.
	if err := run(step(1), step(2), step(3)); err != nil || fmt.Sprint(ran) != "[1 2 3]" || version() != 3 {
		t.Fatalf("upgrade: ran %v, version %d, %v", ran, version(), err)
	}
	// A failing step rolls back the whole upgrade.
	boom := errors.New("boom")
	fail := func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucket([]byte("half-done")); err != nil {
			return err
		}
		return boom
	}
	if err := run(step(1), step(2), step(3), step(4), fail); !errors.Is(err, boom) || version() != 3 {
		t.Fatalf("failing step: %v, version %d; want boom and version 3", err, version())
	}
	raw.View(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte("half-done")) != nil {
			t.Error("failed migration left a bucket behind")
		}
		return nil
	})
	// A file from a newer program is refused, not silently downgraded.
	if err := run(step(1)); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("older program on newer file: %v", err)
	}
}

func uint64FromBytes(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

func TestOpenCreatesSchema(t *testing.T) {
	db := MustOpen(t)
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keySchema); uint64FromBytes(v) != uint64(SchemaVersion()) {
			t.Errorf("schema version = %x, want %d", v, SchemaVersion())
		}
		for _, b := range [][]byte{bucketUsers, bucketLikesByPage, bucketPages, bucketReviewAuthor} {
			if tx.Bucket(b) == nil {
				t.Errorf("bucket %s missing", b)
			}
		}
		if tx.Bucket(bucketPopular) != nil {
			t.Error("schema 3 dropped the popular bucket; it is there")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestBackupRoundTrip backs up a store while writers run, opens the copy
// like the API would, and checks it is consistent and holds the data.
func TestBackupRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	alice := MustUser(t, db, "alice")
	page := storetest.TipPage("japan", "jr-pass", time.Now())
	if _, err := db.SetLike(ctx, page, alice.ID, true); err != nil {
		t.Fatal(err)
	}
	c := storetest.MustComment(t, db, page.ID, alice, 0, "안녕하세요", false)
	r := storetest.MustReview(t, db, alice, "japan", "great")

	// Writers keep going during the backup: the copy must still be one
	// consistent snapshot.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		u := MustUser(t, db, fmt.Sprint("w", w))
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				_, err := db.SetLike(ctx, page, u.ID, i%2 == 0)
				if err == nil {
					err = db.CreateComment(ctx, &beforetrip.Comment{Page: page.ID, Author: beforetrip.Author{ID: u.ID}, Body: "busy"})
				}
				if err != nil {
					t.Error(err) // Error, not Fatal: this is not the test goroutine
					return
				}
			}
		})
	}
	var buf bytes.Buffer
	n, err := db.Backup(&buf)
	close(stop)
	wg.Wait()
	if err != nil || n != int64(buf.Len()) || n == 0 {
		t.Fatalf("Backup = %d bytes (buffer %d), %v", n, buf.Len(), err)
	}
	path := filepath.Join(t.TempDir(), "restored.db")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	restored, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	checkInvariants(t, restored)
	if u, err := restored.UserByLogin(ctx, "alice@example.com"); err != nil || u.ID != alice.ID {
		t.Errorf("restored user = %+v, %v", u, err)
	}
	if got, err := restored.Comment(ctx, c.ID); err != nil || got.Body != "안녕하세요" {
		t.Errorf("restored comment = %+v, %v", got, err)
	}
	if got, err := restored.Review(ctx, r.ID); err != nil || got.Title != "great" {
		t.Errorf("restored review = %+v, %v", got, err)
	}
	stats, _ := restored.PageStats(ctx, []string{page.ID}, alice.ID)
	if !stats[page.ID].Liked || stats[page.ID].Comments == 0 {
		t.Errorf("restored stats = %+v", stats[page.ID])
	}
}

func TestSiteDataCounts(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	alice := MustUser(t, db, "alice")
	liked, commented := storetest.TipPage("japan", "a", time.Time{}), "countries/korea"
	if _, err := db.SetLike(ctx, liked, alice.ID, true); err != nil {
		t.Fatal(err)
	}
	storetest.MustComment(t, db, commented, alice, 0, "hi", false)
	storetest.MustComment(t, db, "countries/peru", alice, 0, "pending", true)
	counts, err := db.PageCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]beforetrip.Counts{liked.ID: {Likes: 1}, commented: {Comments: 1}}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("PageCounts = %v, want %v", counts, want)
	}
	// CountsOf reads just the pages asked for, under the same rule.
	some, err := db.CountsOf(ctx, []string{liked.ID, "countries/peru", "countries/none"})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]beforetrip.Counts{liked.ID: {Likes: 1}}; fmt.Sprint(some) != fmt.Sprint(want) {
		t.Errorf("CountsOf = %v, want %v", some, want)
	}
}

func TestSiteDataReaderReview(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	alice := MustUser(t, db, "alice")
	public := storetest.MustReview(t, db, alice, "japan", "Public")
	pending := &beforetrip.Review{Country: "japan", Title: "Waiting", Rating: 3, Pending: true,
		Author: beforetrip.Author{ID: alice.ID, Username: alice.Username}}
	if err := db.CreateReview(ctx, pending); err != nil {
		t.Fatal(err)
	}
	if r, err := db.ReaderReview(ctx, public.ID); err != nil || r.Title != "Public" {
		t.Errorf("ReaderReview(public) = %v, %v", r, err)
	}
	for _, id := range []uint64{pending.ID, 999} {
		if _, err := db.ReaderReview(ctx, id); beforetrip.ErrorCode(err) != beforetrip.ENOTFOUND {
			t.Errorf("ReaderReview(%d): %v, want not found (pending or gone is no page)", id, err)
		}
	}
}
