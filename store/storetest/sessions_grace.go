package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

// Clock is a settable clock for WithClock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

func NewClock() *Clock { return &Clock{now: time.Now()} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// rotation is one RotateSession call, made after the clock moved by wait.
type rotation struct {
	wait     time.Duration
	old, new string
	code     string // "" for success
}

// TestRefreshGrace drives refresh bursts through the grace rules: the
// tokens the latest refresh rotated away keep rotating for RefreshGrace,
// anything older or later revokes the session.
func (b Backend) testRefreshGrace(t *testing.T) {
	tests := []struct {
		name  string
		steps []rotation
		alive bool   // whether session s1 survives
		cur   string // its current token when alive
	}{
		{"two tabs at once", []rotation{
			{0, "t1", "t2", ""},
			{0, "t1", "t3", ""},
			{time.Second, "t3", "t4", ""},
		}, true, "t4"},
		{"retry just before the end of the grace period", []rotation{
			{0, "t1", "t2", ""},
			{b.RefreshGrace - time.Millisecond, "t1", "t3", ""},
		}, true, "t3"},
		{"three tabs, the jar keeps the first answer", []rotation{
			{0, "t1", "t2", ""},
			{0, "t1", "t3", ""},
			{0, "t1", "t4", ""},
			{time.Second, "t2", "t5", ""},
		}, true, "t5"},
		{"reuse after the grace period", []rotation{
			{0, "t1", "t2", ""},
			{b.RefreshGrace, "t1", "x", beforetrip.EUNAUTHENTICATED},
			{0, "t2", "t3", beforetrip.EUNAUTHENTICATED},
		}, false, ""},
		{"stale cookie after the grace period", []rotation{
			{0, "t1", "t2", ""},
			{0, "t1", "t3", ""},
			{15 * time.Minute, "t2", "t4", beforetrip.EUNAUTHENTICATED},
		}, false, ""},
		{"older token within the grace period", []rotation{
			{0, "t1", "t2", ""},
			{time.Second, "t2", "t3", ""},
			{time.Second, "t1", "x", beforetrip.EUNAUTHENTICATED},
			{0, "t3", "t4", beforetrip.EUNAUTHENTICATED},
		}, false, ""},
		{"grace reuse to a token in use", []rotation{
			{0, "t1", "t2", ""},
			{0, "t1", "t2", beforetrip.ECONFLICT},
			{0, "t2", "t3", ""},
		}, true, "t3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			clock := NewClock()
			db := b.openClock(t, clock.Now)
			alice := MustUser(t, db, "alice")
			MustSession(t, db, "s1", alice.ID, "t1")
			for i, r := range tt.steps {
				clock.Advance(r.wait)
				s, err := db.RotateSession(ctx, []byte(r.old), []byte(r.new), clock.Now().Add(time.Hour))
				if got := beforetrip.ErrorCode(err); got != r.code {
					t.Fatalf("step %d %s→%s: code %q (%v), want %q", i, r.old, r.new, got, err, r.code)
				}
				if err == nil && (s.ID != "s1" || string(s.TokenHash) != r.new) {
					t.Fatalf("step %d: rotated to %+v, want s1 with %s", i, s, r.new)
				}
			}
			s, err := db.Session(ctx, "s1")
			switch {
			case tt.alive && (err != nil || string(s.TokenHash) != tt.cur):
				t.Fatalf("session = %+v, %v; want alive with token %s", s, err, tt.cur)
			case !tt.alive:
				wantCode(t, err, beforetrip.EUNAUTHENTICATED)
			}
			b.check(t, db)
		})
	}
}

// TestRefreshGraceRevoked: a revoked (logged out, blocked) session gets no
// grace, and revoking drops its grace record.
func (b Backend) testRefreshGraceRevoked(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	alice := MustUser(t, db, "alice")
	MustSession(t, db, "s1", alice.ID, "t1")
	if _, err := db.RotateSession(ctx, []byte("t1"), []byte("t2"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.BlockUser(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	_, err := db.RotateSession(ctx, []byte("t1"), []byte("t3"), time.Now().Add(time.Hour))
	wantCode(t, err, beforetrip.EUNAUTHENTICATED)
	b.check(t, db)
}
