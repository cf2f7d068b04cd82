package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// maxProblems caps Verify's report: past that, the file is plainly broken.
const maxProblems = 20

// Verify scans every row and checks each derived structure against it:
// counters equal the likes and visible comments they count, both like
// buckets mirror each other, every like has a time and likes_by_time
// indexes exactly the likes with a known one, exactly the liked pages have a page record
// and the (in-memory) popular index ranks exactly them at their counts,
// and every secondary index (names, emails,
// tokens, sessions by user, comment pages, pending comments, reviews by
// country and author) matches its rows. It reads in one transaction and
// returns all problems found (up to 20), or nil. Comparing the popular
// index with the file wants a quiet store: no write while Verify runs.
func (db *DB) Verify() error {
	var problems []error
	report := func(format string, args ...any) {
		if len(problems) < maxProblems {
			problems = append(problems, fmt.Errorf(format, args...))
		}
	}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		for _, check := range []func(*bolt.Tx, func(string, ...any)) error{
			verifyUsers, verifySessions, verifyCounters, verifyReviews, verifyModeration, verifyMail,
		} {
			if err := check(tx, report); err != nil {
				return err
			}
		}
		if err := verifyPopIndex(tx, db.pop, report); err != nil {
			return err
		}
		return verifyCountCache(tx, db.counts, report)
	})
	if err != nil {
		return fmt.Errorf("store: verify: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("store: verify: %w", errors.Join(problems...))
	}
	return nil
}

type reporter = func(format string, args ...any)

// verifyIndex checks that index holds exactly the entries in want (key →
// value), reporting extra, missing and wrong ones under name.
func verifyIndex(b *bolt.Bucket, name string, want map[string]string, report reporter) error {
	seen := 0
	err := b.ForEach(func(k, v []byte) error {
		w, ok := want[string(k)]
		switch {
		case !ok:
			report("%s: stray key %q", name, k)
		case w != string(v):
			report("%s: key %q = %x, want %x", name, k, v, w)
		default:
			seen++
		}
		return nil
	})
	if seen < len(want) {
		for k, v := range want {
			if got := b.Get([]byte(k)); got == nil || string(got) != v {
				report("%s: missing or wrong key %q", name, k)
			}
		}
	}
	return err
}

func verifyUsers(tx *bolt.Tx, report reporter) error {
	names, emails := map[string]string{}, map[string]string{}
	err := tx.Bucket(bucketUsers).ForEach(func(k, v []byte) error {
		var rec userRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			report("users: key %x: %v", k, err)
			return nil
		}
		if rec.ID != binary.BigEndian.Uint64(k) {
			report("users: key %x holds user %d", k, rec.ID)
		}
		names[strings.ToLower(rec.Username)] = string(k)
		emails[strings.ToLower(rec.Email)] = string(k)
		return nil
	})
	if err != nil {
		return err
	}
	if err := verifyIndex(tx.Bucket(bucketUserNames), "users_by_name", names, report); err != nil {
		return err
	}
	return verifyIndex(tx.Bucket(bucketUserEmails), "users_by_email", emails, report)
}

func verifySessions(tx *bolt.Tx, report reporter) error {
	tokens, byUser := map[string]string{}, map[string]string{}
	err := tx.Bucket(bucketSessions).ForEach(func(k, v []byte) error {
		var s beforetrip.Session
		if err := json.Unmarshal(v, &s); err != nil {
			report("sessions: key %q: %v", k, err)
			return nil
		}
		if s.ID != string(k) {
			report("sessions: key %q holds session %q", k, s.ID)
		}
		if !s.Revoked && len(s.TokenHash) > 0 {
			tokens[string(s.TokenHash)] = s.ID
		}
		byUser[string(join(u64(s.UserID), k))] = ""
		return nil
	})
	if err != nil {
		return err
	}
	if err := verifyIndex(tx.Bucket(bucketSessionTokens), "sessions_by_token", tokens, report); err != nil {
		return err
	}
	if err := verifyIndex(tx.Bucket(bucketSessionUsers), "sessions_by_user", byUser, report); err != nil {
		return err
	}
	sessions := tx.Bucket(bucketSessions)
	err = tx.Bucket(bucketSessionPrev).ForEach(func(k, v []byte) error {
		if sessions.Get(v) == nil {
			report("sessions_prev: token %x names unknown session %q", k, v)
		}
		if tokens[string(k)] != "" {
			report("sessions_prev: token %x is also current", k)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return verifyGrace(tx, report)
}

// verifyCounters recounts likes and visible comments per page and checks the
// counters, the page records and the popular index against them.
func verifyCounters(tx *bolt.Tx, report reporter) error {
	counts := map[string]beforetrip.Counts{}
	byUser, byTime := map[string]string{}, map[string]string{}
	err := tx.Bucket(bucketLikesByPage).ForEach(func(k, v []byte) error {
		// The user ID is a fixed 8 bytes that may contain 0x00 itself.
		i := len(k) - 9
		if i < 1 || k[i] != sep {
			report("likes_by_page: malformed key %x", k)
			return nil
		}
		page, user := string(k[:i]), binary.BigEndian.Uint64(k[i+1:])
		c := counts[page]
		c.Likes++
		counts[page] = c
		byUser[string(userPageKey(user, page))] = string(present)
		if len(v) != 8 {
			report("likes_by_page: key %x: like time %x is not 8 bytes", k, v)
		} else if sec := binary.BigEndian.Uint64(v); sec != 0 {
			byTime[string(likeTimeKey(sec, page, user))] = string(present)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := verifyIndex(tx.Bucket(bucketLikesByUser), "likes_by_user", byUser, report); err != nil {
		return err
	}
	if err := verifyIndex(tx.Bucket(bucketLikesByTime), "likes_by_time", byTime, report); err != nil {
		return err
	}
	if err := recountComments(tx, counts, report); err != nil {
		return err
	}
	err = tx.Bucket(bucketCounters).ForEach(func(k, v []byte) error {
		got, err := decodeCounts(v)
		if err != nil {
			report("counters: page %q: %v", k, err)
		} else if want := counts[string(k)]; got != want {
			report("counters: page %q = %+v, rows say %+v", k, got, want)
		}
		return nil
	})
	if err != nil {
		return err
	}
	counters := tx.Bucket(bucketCounters)
	for page := range counts {
		if counters.Get([]byte(page)) == nil {
			report("counters: page %q has rows %+v but no counter", page, counts[page])
		}
	}
	return verifyPopular(tx, counts, report)
}

// verifyPopular checks that exactly the liked pages have a page record.
func verifyPopular(tx *bolt.Tx, counts map[string]beforetrip.Counts, report reporter) error {
	err := tx.Bucket(bucketPages).ForEach(func(k, _ []byte) error {
		page := string(k)
		rec, _, err := getPageRecord(tx, page)
		if err != nil {
			report("pages: %v", err)
			return nil
		}
		if counts[page].Likes == 0 {
			report("pages: page %q has a record %+v but no likes", page, rec)
		}
		return nil
	})
	if err != nil {
		return err
	}
	pages := tx.Bucket(bucketPages)
	for page, c := range counts {
		if c.Likes > 0 && pages.Get([]byte(page)) == nil {
			report("pages: liked page %q has no record", page)
		}
	}
	return nil
}

// verifyPopIndex checks the in-memory popular index against the file: one
// entry per ranking for every liked page, with its record and like count,
// and nothing else. The store must be quiet (no write since tx began).
func verifyPopIndex(tx *bolt.Tx, pop *popIndex, report reporter) error {
	want, err := loadPopIndex(tx)
	if err != nil {
		return err
	}
	got, exp := pop.liked(), want.liked()
	for page, st := range exp {
		g, ok := got[page]
		switch {
		case !ok:
			report("popular: missing liked page %q (%d likes)", page, st.likes)
		case g.likes != st.likes || !g.rec.same(st.rec):
			report("popular: page %q at %d likes %+v, file says %d likes %+v", page, g.likes, g.rec, st.likes, st.rec)
		}
	}
	for page, g := range got {
		if _, ok := exp[page]; !ok {
			report("popular: stray page %q (%d likes)", page, g.likes)
		}
	}
	pop.mu.RLock()
	defer pop.mu.RUnlock()
	want.mu.RLock()
	defer want.mu.RUnlock()
	for rk, t := range pop.ranks {
		if w := want.ranks[rk]; w == nil || w.Len() != t.Len() {
			report("popular: ranking %q holds %d pages, want %d", rk, t.Len(), lenOf(w))
		}
	}
	for rk, w := range want.ranks {
		if pop.ranks[rk] == nil {
			report("popular: ranking %q missing (%d pages)", rk, w.Len())
		}
	}
	return nil
}
