// Package storetest is the contract suite of beforetrip's stores: tests
// written against the root package's service interfaces, run against every
// backend (the bbolt file of package store, PostgreSQL in package pgstore)
// so both keep the same semantics and error codes. A backend's test calls
// Run with a Backend that opens a fresh, empty store per test.
package storetest

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

// Store is what a backend implements and the suite calls.
type Store = beforetrip.Store

// Backend is one store implementation under test.
type Backend struct {
	// Open returns a fresh, empty store, closed at tb's cleanup, whose
	// sessions are judged by now.
	Open func(tb testing.TB, now func() time.Time) Store
	// Reopen closes s and opens the same store again (a restart).
	Reopen func(tb testing.TB, s Store) Store
	// Verify checks the store's invariants (counters equal the rows they
	// count, indexes agree with their data).
	Verify func(ctx context.Context, s Store) error
	// PurgeTokens deletes expired account tokens, returning how many.
	PurgeTokens func(s Store) (int, error)
	// RefreshGrace and MaxStatsIDs are the backend's constants of the
	// same names.
	RefreshGrace time.Duration
	MaxStatsIDs  int
}

// Run runs every contract test against b, each as a subtest.
func Run(t *testing.T, b Backend) {
	tests := []struct {
		name string
		fn   func(*testing.T)
	}{
		{"CreateUser", b.testCreateUser},
		{"UserLookup", b.testUserLookup},
		{"SetRole", b.testSetRole},
		{"SessionLifecycle", b.testSessionLifecycle},
		{"RefreshReuseRevokes", b.testRefreshReuseRevokes},
		{"SessionErrors", b.testSessionErrors},
		{"BlockRevokesSessions", b.testBlockRevokesSessions},
		{"RefreshGrace", b.testRefreshGrace},
		{"RefreshGraceRevoked", b.testRefreshGraceRevoked},
		{"SetLike", b.testSetLike},
		{"SetLikeErrors", b.testSetLikeErrors},
		{"ConcurrentLikesOnePage", b.testConcurrentLikesOnePage},
		{"LikesSince", b.testLikesSince},
		{"CreateComment", b.testCreateComment},
		{"UpdateComment", b.testUpdateComment},
		{"PendingComments", b.testPendingComments},
		{"CommentPaging", b.testCommentPaging},
		{"ReviewsQuery", b.testReviewsQuery},
		{"ReviewErrors", b.testReviewErrors},
		{"UpdateReview", b.testUpdateReview},
		{"DeleteReviewCascades", b.testDeleteReviewCascades},
		{"ConcurrentMixed", b.testConcurrentMixed},
		{"OutboxDueRetryAndRestart", b.testOutboxDueRetryAndRestart},
		{"QueueReplyBatches", b.testQueueReplyBatches},
		{"ResetTokenSingleUseAndExpiry", b.testResetTokenSingleUseAndExpiry},
		{"ChangePasswordKeepsOneSession", b.testChangePasswordKeepsOneSession},
		{"VerifyEmailChange", b.testVerifyEmailChange},
		{"DeleteAccount", b.testDeleteAccount},
		{"DeleteAccountHeldComments", b.testDeleteAccountHeldComments},
		{"ReportsHideUntilDecided", b.testReportsHideUntilDecided},
		{"QueueOrderAndPaging", b.testQueueOrderAndPaging},
		{"FirstShownOnce", b.testFirstShownOnce},
		{"BlockTimedAndPurge", b.testBlockTimedAndPurge},
		{"LocksAndPins", b.testLocksAndPins},
		{"LoginLimits", b.testLoginLimits},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.fn)
	}
}

func (b Backend) open(tb testing.TB) Store { return b.Open(tb, time.Now) }

func (b Backend) openClock(tb testing.TB, now func() time.Time) Store { return b.Open(tb, now) }

// check fails tb if the store's invariants do not hold.
func (b Backend) check(tb testing.TB, db Store) {
	tb.Helper()
	if err := b.Verify(context.Background(), db); err != nil {
		tb.Fatalf("invariants: %v", err)
	}
}

// SteppedClock is a store clock tests move forward without sleeping.
func SteppedClock() (now func() time.Time, advance func(time.Duration)) {
	var skew atomic.Int64
	return func() time.Time { return time.Now().Add(time.Duration(skew.Load())) },
		func(d time.Duration) { skew.Add(int64(d)) }
}

// MustUser creates a reader named name (email name@example.com).
func MustUser(tb testing.TB, db beforetrip.UserService, name string) *beforetrip.User {
	tb.Helper()
	u := &beforetrip.User{Username: name, Email: name + "@example.com", PasswordHash: []byte("hash-" + name)}
	if err := db.CreateUser(context.Background(), u); err != nil {
		tb.Fatalf("create user %s: %v", name, err)
	}
	return u
}

// wantCode fails tb unless err carries the domain error code want.
func wantCode(tb testing.TB, err error, want string) {
	tb.Helper()
	if got := beforetrip.ErrorCode(err); got != want {
		tb.Fatalf("error code = %q (%v), want %q", got, err, want)
	}
}

// TipPage returns the metadata of a tip page of country.
func TipPage(country, slug string, date time.Time) beforetrip.PageMeta {
	return beforetrip.PageMeta{
		ID: "countries/" + country + "/tips/" + slug, Kind: beforetrip.KindTip,
		Section: beforetrip.SectionTips, Country: country, Date: date,
	}
}
