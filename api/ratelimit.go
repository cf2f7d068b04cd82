package api

import (
	"context"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

// bucketSet is a set of token buckets, one per key (an IP, a login name, a
// user ID): each holds up to burst tokens and regains rate per second.
// Buckets that have refilled completely are forgotten, so memory stays
// bounded by the keys active in the last period.
type bucketSet struct {
	mu      sync.Mutex
	burst   float64
	rate    float64 // tokens per second
	buckets map[string]*bucket
	now     func() time.Time
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newBucketSet(n int, per time.Duration, now func() time.Time) *bucketSet {
	return &bucketSet{burst: float64(n), rate: float64(n) / per.Seconds(),
		buckets: map[string]*bucket{}, now: now}
}

// level returns key's bucket brought up to date (not stored if new).
func (b *bucketSet) level(key string, now time.Time) *bucket {
	bk, ok := b.buckets[key]
	if !ok {
		return &bucket{tokens: b.burst, at: now}
	}
	bk.tokens = math.Min(b.burst, bk.tokens+now.Sub(bk.at).Seconds()*b.rate)
	bk.at = now
	return bk
}

// wait is how long until bk has n tokens.
func (b *bucketSet) wait(bk *bucket, n float64) time.Duration {
	if bk.tokens >= n {
		return 0
	}
	return time.Duration((n - bk.tokens) / b.rate * float64(time.Second))
}

// check reports how long key must wait before its next attempt, taking
// nothing.
func (b *bucketSet) check(key string) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.wait(b.level(key, b.now()), 1)
}

// take spends one token of key if it has one; otherwise it returns how
// long to wait.
func (b *bucketSet) take(key string) time.Duration { return b.takeN(key, 1) }

// takeN spends n tokens of key if it has them all; otherwise it takes
// nothing and returns how long to wait.
func (b *bucketSet) takeN(key string, n float64) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	b.sweep(now)
	bk := b.level(key, now)
	if w := b.wait(bk, n); w > 0 {
		return w
	}
	bk.tokens -= n
	b.buckets[key] = bk
	return 0
}

// giveN returns n tokens taken by takeN.
func (b *bucketSet) giveN(key string, n float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if bk, ok := b.buckets[key]; ok {
		bk.tokens = math.Min(b.burst, bk.tokens+n)
	}
}

// sweep drops full buckets, at most once per refill period.
func (b *bucketSet) sweep(now time.Time) {
	if now.Sub(b.swept).Seconds()*b.rate < b.burst {
		return
	}
	b.swept = now
	for k, bk := range b.buckets {
		if bk.tokens+now.Sub(bk.at).Seconds()*b.rate >= b.burst {
			delete(b.buckets, k)
		}
	}
}

// limits are the API's rate limits (DESIGN.md): failed logins per IP, per
// login name as typed and per account, registrations per IP, writes per
// user, stored bytes per user. The failed-login buckets are kept in the
// store (logins), so every instance on one store counts the same guesses;
// the others are per process (docs/scale.md).
type limits struct {
	logins                           beforetrip.LoginLimits
	now                              func() time.Time
	register, writes, storage, reads *bucketSet
	// mailIP and mailAccount bound the account mails (reset links,
	// verification) a stranger can make us send: 5 an hour each.
	mailIP, mailAccount *bucketSet
}

// loginRate is the bucket of every failed-login key: 10 a minute. The
// account's is the same size as the name's: one spelling alone empties
// both at once, and the name answers first with its visible 429.
var loginRate = beforetrip.Rate{Burst: 10, Per: time.Minute}

// Defaults of Config.ReadLimit and Config.IPv6Prefix.
const (
	// DefaultReadLimit (20 a second) is far above what readers of a page
	// ask for (three or four GETs per page view), so that many readers
	// behind one NAT are not refused, yet keeps one client from making
	// the API serve large comment lists in a loop.
	DefaultReadLimit  = 1200
	DefaultIPv6Prefix = 64
)

// StorageQuota is how many bytes of comments and reader reviews (Markdown
// plus its HTML, counted at every create and edit) one user may store per
// day: dozens of long reviews, far past what a person writes, while one
// account cannot fill the disk (issue 12: 24 writes once grew the data
// folder by 265 MB).
const StorageQuota = 1 << 20

func newLimits(now func() time.Time, readsPerMinute int, logins beforetrip.LoginLimits) *limits {
	return &limits{
		logins:      logins,
		now:         now,
		register:    newBucketSet(20, time.Hour, now),
		writes:      newBucketSet(120, time.Minute, now),
		mailIP:      newBucketSet(5, time.Hour, now),
		mailAccount: newBucketSet(5, time.Hour, now),
		storage:     newBucketSet(StorageQuota, 24*time.Hour, now),
		reads:       newBucketSet(readsPerMinute, time.Minute, now),
	}
}

// rateLimited is the 429 answer; it sets Retry-After in whole seconds.
func rateLimited(c *fiber.Ctx, wait time.Duration) error {
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	return beforetrip.Errorf(beforetrip.ERATELIMITED, "Too many attempts; retry in %d s.",
		int(math.Ceil(wait.Seconds())))
}

// Keys of the failed-login buckets in the store.
func loginIPKey(ip string) string      { return "ip:" + ip }
func loginNameKey(name string) string  { return "name:" + name }
func loginAccountKey(id uint64) string { return "account:" + strconv.FormatUint(id, 10) }

// loginAttempt spends one token of the IP and one of the name before the
// password is checked, so a burst of parallel guesses cannot all pass the
// check before the first failure is counted; loginSucceeded gives them
// back, so readers who log in correctly are never limited. While either
// bucket is empty every attempt is refused (and spends nothing).
func (l *limits) loginAttempt(c *fiber.Ctx, ip, name string) error {
	if l == nil {
		return nil
	}
	w, err := l.logins.TakeLoginTokens(c.UserContext(), []string{loginIPKey(ip), loginNameKey(name)}, loginRate, l.now())
	if err != nil {
		return err
	}
	if w > 0 {
		return rateLimited(c, w)
	}
	return nil
}

// accountAttempt spends one token of the account a login names (by username
// or e-mail: one key for both), after loginAttempt. It reports false when
// the account's bucket is empty; the caller then answers exactly like a
// wrong password, without checking it. A 429 here would link spellings:
// ten guesses on a public username, then one on a candidate e-mail, would
// tell whether that e-mail is the user's. The tokens loginAttempt took
// stay spent, as for any failed login, so nothing else differs either.
func (l *limits) accountAttempt(ctx context.Context, userID uint64) (bool, error) {
	if l == nil {
		return true, nil
	}
	w, err := l.logins.TakeLoginTokens(ctx, []string{loginAccountKey(userID)}, loginRate, l.now())
	return w == 0, err
}

// loginSucceeded gives back the tokens of a correct login.
func (l *limits) loginSucceeded(ctx context.Context, ip, name string, userID uint64) error {
	if l == nil {
		return nil
	}
	keys := []string{loginIPKey(ip), loginNameKey(name), loginAccountKey(userID)}
	return l.logins.GiveLoginTokens(ctx, keys, loginRate, l.now())
}

func (l *limits) registration(c *fiber.Ctx, ip string) error {
	if l == nil {
		return nil
	}
	if w := l.register.take(ip); w > 0 {
		return rateLimited(c, w)
	}
	return nil
}

func (l *limits) write(c *fiber.Ctx, userID uint64) error {
	if l == nil {
		return nil
	}
	if w := l.writes.take(strconv.FormatUint(userID, 10)); w > 0 {
		return rateLimited(c, w)
	}
	return nil
}

// mailRequest spends one of the IP's account mails; 429 when none is left
// (this tells nothing about any account).
func (l *limits) mailRequest(c *fiber.Ctx, ip string) error {
	if l == nil {
		return nil
	}
	if w := l.mailIP.take(ip); w > 0 {
		return rateLimited(c, w)
	}
	return nil
}

// store spends n bytes of userID's storage quota, or answers 429 with the
// time until that much is back.
func (l *limits) store(c *fiber.Ctx, userID uint64, n int) error {
	if l == nil {
		return nil
	}
	if w := l.storage.takeN(strconv.FormatUint(userID, 10), float64(n)); w > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(w.Seconds()))))
		return beforetrip.Errorf(beforetrip.ERATELIMITED,
			"You have written more than %d KiB of comments and reviews today; try again in %d minutes.",
			StorageQuota>>10, int(math.Ceil(w.Minutes())))
	}
	return nil
}

// accountMail spends one of the account's mails and reports whether one was
// left. The caller then silently sends nothing: a 429 here would tell that
// the account exists.
func (l *limits) accountMail(userID uint64) bool {
	if l == nil {
		return true
	}
	return l.mailAccount.take(strconv.FormatUint(userID, 10)) == 0
}

// unstore gives back bytes spent by store for a write that failed.
func (l *limits) unstore(userID uint64, n int) {
	if l != nil {
		l.storage.giveN(strconv.FormatUint(userID, 10), float64(n))
	}
}

// limitReads spends one read token of the client (its IP, or its IPv6
// prefix) for every GET and HEAD under /api.
func (s *Server) limitReads(c *fiber.Ctx) error {
	if s.limits == nil || (c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead) {
		return c.Next()
	}
	if w := s.limits.reads.take(s.clientKey(c)); w > 0 {
		return rateLimited(c, w)
	}
	return c.Next()
}
