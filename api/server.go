// Package api is beforetrip's HTTP API: accounts, likes, comments, reader
// reviews and popularity, served by fiber under /api. Handlers parse and
// validate input, make one service call and answer JSON; the store behind
// the root package's service interfaces does the rest.
package api

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/ugc"
	"github.com/gofiber/fiber/v2"
)

// bodyLimit caps every request body; larger bodies get 413 too_large.
const bodyLimit = 64 << 10

// readLimit is how much body the server still reads before it answers 413.
// fasthttp answers a body over its limit and closes the connection at once,
// unread; a client still sending then gets a connection reset instead of
// the 413. Reading up to 1 MiB and refusing past bodyLimit in limitBody
// gives ordinary oversized requests a clean JSON answer; only larger ones
// are cut off early, to bound memory.
const readLimit = 1 << 20

// DefaultEditWindow is how long authors may edit a comment by default.
const DefaultEditWindow = 15 * time.Minute

// Config configures the API. cmd maps config.yaml onto it.
type Config struct {
	// CORSOrigins are the exact origins ("https://example.com") allowed to
	// call the API with credentials. Empty: same origin only. Never "*".
	CORSOrigins []string
	// TrustedProxies are IPs or CIDR ranges whose X-Forwarded-For is
	// believed for the client IP (rate limits, logs).
	TrustedProxies []string
	// Limits turns the rate limits on. Off is for load tests only.
	Limits bool
	// ReadLimit is how many GET requests per minute one client may make
	// (anonymous or not); 0 means DefaultReadLimit.
	ReadLimit int
	// IPv6Prefix is the prefix length under which IPv6 clients share one
	// per-IP limit (one /64 is one home or one server); 0 means
	// DefaultIPv6Prefix.
	IPv6Prefix int
	// Cookie sets the attributes of the auth cookies.
	Cookie CookieConfig
	// JWTSecret signs access tokens (HS256); at least 32 bytes.
	JWTSecret []byte
	// Moderation is "post" (comments visible at once) or "pre" (visible
	// after an admin approves them). Empty means "post".
	Moderation string
	// ReviewModeration is the same for reader reviews.
	ReviewModeration string
	// HideAfterReports is how many distinct readers' reports hide a
	// comment or review until a moderator decides (default 3).
	HideAfterReports int
	// EditWindow is how long authors may edit their comments (default 15
	// minutes; moderators always may).
	EditWindow time.Duration
	// BaseURL is the site's absolute URL with a trailing slash; mailed
	// links (reset, verify, replies, unsubscribe) start with it.
	BaseURL string
	// RequireVerifiedEmail keeps accounts whose email is not verified
	// from commenting and writing reviews (they may still log in and like).
	RequireVerifiedEmail bool
	// ReplyBatch is how long a reply notification waits for more replies
	// to join its mail; zero means one minute.
	ReplyBatch time.Duration
	// AllowedHosts, when not empty, are the host names (no port) the
	// server answers besides IP addresses and localhost; any other Host
	// gets 403. `serve` sets it against DNS rebinding: a page on another
	// site whose name is made to resolve to 127.0.0.1 would otherwise
	// read the local preview (drafts) and call the API.
	AllowedHosts []string
	// Logger receives one line per request (at info level); nil discards.
	Logger *slog.Logger
	// Observer hears of every finished request (metrics); nil: nobody.
	Observer RequestObserver
}

// RequestObserver hears of every finished request: its method, its route
// pattern as registered ("/api/comments/:id", never the raw path, so label
// values stay few), its status and how long it took. It runs on the
// request's goroutine, so it must be quick.
type RequestObserver interface {
	ObserveRequest(method, route string, status int, d time.Duration)
}

// CookieConfig holds the attributes shared by bt_access, bt_refresh and bt_csrf.
type CookieConfig struct {
	Secure   bool
	SameSite string // "Lax" (default when empty), "Strict" or "None"
	Domain   string // "" = host-only
}

// Services are the store's implementations of the root interfaces plus the
// page index and the rebuild notifier.
type Services struct {
	Users    beforetrip.UserService
	Sessions beforetrip.SessionService
	Likes    beforetrip.LikeService
	Comments beforetrip.CommentService
	Reviews  beforetrip.ReviewService
	Popular  beforetrip.PopularService
	Pages    beforetrip.PageIndex
	// Moderation keeps reports, decisions, blocks, locks, pins and the
	// audit log.
	Moderation beforetrip.ModerationService
	Accounts   beforetrip.AccountService
	// Mail queues mails in the durable outbox (the mail package's Sender,
	// which also wakes itself; or the store alone, sent by nobody).
	Mail beforetrip.Outbox
	// Notifier hears about like, comment-count and reader-review changes;
	// nil drops them.
	Notifier beforetrip.Notifier
	// Health answers /api/readyz.
	Health beforetrip.StoreHealth
	// Logins keeps the failed-login limits (the store, shared by every
	// instance on it).
	Logins beforetrip.LoginLimits
}

// ServicesOf returns Services with every store service taken from s, which
// also queues mail (nobody sends it unless Mail is set to a sender) and
// answers /api/readyz when it implements beforetrip.StoreHealth; pages is
// the page index. Notifier is left nil.
func ServicesOf(s beforetrip.Store, pages beforetrip.PageIndex) Services {
	svc := Services{Users: s, Sessions: s, Likes: s, Comments: s, Reviews: s, Popular: s, Pages: pages,
		Moderation: s, Accounts: s, Mail: s, Logins: s}
	if h, ok := s.(beforetrip.StoreHealth); ok {
		svc.Health = h
	}
	return svc
}

// Server is the API: a fiber app with every route under /api.
type Server struct {
	cfg     Config
	svc     Services
	app     *fiber.App
	log     *slog.Logger
	ugc     *ugc.Renderer
	tokens  *tokens
	hasher  *hasher
	limits  *limits // nil when Config.Limits is false
	trusted []netip.Prefix
	origins map[string]bool
	routes  []route
	// inFlight counts requests between the first middleware and the
	// last: what a shutdown waits for (InFlight).
	inFlight atomic.Int64
}

// New checks cfg and returns a Server with its routes in place.
func New(cfg Config, svc Services) (*Server, error) {
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("api: %w", err)
	}
	if svc.Users == nil || svc.Sessions == nil || svc.Likes == nil || svc.Comments == nil ||
		svc.Reviews == nil || svc.Popular == nil || svc.Pages == nil || svc.Moderation == nil ||
		svc.Accounts == nil || svc.Mail == nil || svc.Health == nil || svc.Logins == nil {
		return nil, errors.New("api: every service but Notifier is required")
	}
	if svc.Notifier == nil {
		svc.Notifier = beforetrip.NotifierFunc(func(beforetrip.Change) {})
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, svc: svc, log: logger, ugc: ugc.New(),
		tokens: newTokens(cfg.JWTSecret), hasher: defaultHasher(), origins: map[string]bool{}}
	for _, o := range cfg.CORSOrigins {
		s.origins[strings.TrimRight(strings.TrimSpace(o), "/")] = true
	}
	var proxies []string // normalized for fiber's trusted-proxy check
	for _, p := range cfg.TrustedProxies {
		pfx, _ := parsePrefix(p) // checked by cfg.check
		s.trusted = append(s.trusted, pfx)
		if pfx.IsSingleIP() {
			proxies = append(proxies, pfx.Addr().String())
		} else {
			proxies = append(proxies, pfx.String())
		}
	}
	if cfg.Limits {
		s.limits = newLimits(time.Now, s.cfg.ReadLimit, svc.Logins)
	} else {
		logger.Warn("api: RATE LIMITS ARE OFF: logins, registrations and writes are unlimited; use only for load tests")
	}
	s.app = s.newApp(proxies)
	s.routes = s.routeTable()
	s.mount()
	return s, nil
}

// newApp is the fiber app of s, trusting proxies for X-Forwarded-For.
func (s *Server) newApp(proxies []string) *fiber.App {
	return fiber.New(fiber.Config{
		// Immutable: Params/Query/Body strings are copies, so handlers may
		// keep them (fiber otherwise reuses its buffers after the handler).
		Immutable: true,
		// Routes match /api exactly as the /api middleware (CSRF, CORS,
		// body limit, headers) does: with fiber's default case-insensitive
		// routing, /API/likes reached the handler past all of it.
		CaseSensitive: true,
		BodyLimit:     readLimit,
		// Request line and headers: GET /api/pages with 100 Korean page IDs,
		// URL-encoded, plus cookies, is well past fasthttp's 4 KiB default.
		ReadBufferSize: 16 << 10,
		// The API takes JSON only; never spend memory parsing forms.
		DisablePreParseMultipartForm: true,
		ErrorHandler:                 s.handleError,
		DisableStartupMessage:        true,
		EnableTrustedProxyCheck:      true,
		TrustedProxies:               proxies,
		ProxyHeader:                  fiber.HeaderXForwardedFor,
		ReadTimeout:                  30 * time.Second,
		WriteTimeout:                 30 * time.Second,
		IdleTimeout:                  120 * time.Second,
	})
}

// App returns the fiber app. `serve` adds static files and live-reload
// routes to it after the API's.
func (s *Server) App() *fiber.App { return s.app }

// route is one row of the route table.
type route struct {
	method, path string
	handler      fiber.Handler
}

// routeTable is the API: the one place that lists every endpoint.
func (s *Server) routeTable() []route {
	return []route{
		{fiber.MethodGet, "/api/healthz", s.healthz},
		{fiber.MethodGet, "/api/readyz", s.readyz},

		{fiber.MethodPost, "/api/auth/register", s.register},
		{fiber.MethodPost, "/api/auth/login", s.login},
		{fiber.MethodPost, "/api/auth/refresh", s.refresh},
		{fiber.MethodPost, "/api/auth/logout", s.logout},
		{fiber.MethodGet, "/api/auth/me", s.user(s.me)},
		{fiber.MethodPatch, "/api/auth/me", s.writer(s.updateMe)},
		{fiber.MethodDelete, "/api/auth/me", s.writer(s.deleteMe)},
		{fiber.MethodGet, "/api/auth/me/export", s.user(s.exportMe)},
		{fiber.MethodPost, "/api/auth/token", s.token},
		{fiber.MethodPost, "/api/auth/password/forgot", s.forgotPassword},
		{fiber.MethodPost, "/api/auth/password/reset", s.resetPassword},
		{fiber.MethodPost, "/api/auth/password/change", s.writer(s.changePassword)},
		{fiber.MethodPost, "/api/auth/email/verify", s.verifyEmail},
		{fiber.MethodPost, "/api/auth/email/resend", s.writer(s.resendVerification)},
		{fiber.MethodPost, "/api/auth/email/change", s.writer(s.changeEmail)},
		{fiber.MethodPost, "/api/notifications/unsubscribe", s.unsubscribe},

		{fiber.MethodGet, "/api/page", s.page},
		{fiber.MethodGet, "/api/pages", s.pages},
		{fiber.MethodPut, "/api/likes", s.writer(s.like)},
		{fiber.MethodDelete, "/api/likes", s.writer(s.unlike)},

		{fiber.MethodGet, "/api/comments", s.listComments},
		{fiber.MethodPost, "/api/comments", s.writer(s.verified(s.createComment))},
		{fiber.MethodPatch, "/api/comments/:id", s.writer(s.editComment)},
		{fiber.MethodDelete, "/api/comments/:id", s.writer(s.deleteComment)},
		{fiber.MethodPost, "/api/comments/:id/report", s.writer(s.reportComment)},

		{fiber.MethodGet, "/api/reviews", s.listReviews},
		{fiber.MethodGet, "/api/reviews/:id", s.getReview},
		{fiber.MethodPost, "/api/reviews", s.writer(s.verified(s.createReview))},
		{fiber.MethodPatch, "/api/reviews/:id", s.writer(s.editReview)},
		{fiber.MethodDelete, "/api/reviews/:id", s.writer(s.deleteReview)},
		{fiber.MethodPost, "/api/reviews/:id/report", s.writer(s.reportReview)},

		{fiber.MethodGet, "/api/popular", s.popular},

		{fiber.MethodGet, "/api/admin/pending", s.admin(s.pending)},
		{fiber.MethodGet, "/api/admin/queue", s.admin(s.queue)},
		{fiber.MethodPost, "/api/admin/comments/:id/approve", s.admin(s.writer(s.decide(beforetrip.ItemComment, beforetrip.Approve)))},
		{fiber.MethodPost, "/api/admin/comments/:id/reject", s.admin(s.writer(s.decide(beforetrip.ItemComment, beforetrip.Reject)))},
		{fiber.MethodPost, "/api/admin/comments/:id/restore", s.admin(s.writer(s.decide(beforetrip.ItemComment, beforetrip.Restore)))},
		{fiber.MethodPost, "/api/admin/comments/:id/pin", s.admin(s.writer(s.pinComment(true)))},
		{fiber.MethodPost, "/api/admin/comments/:id/unpin", s.admin(s.writer(s.pinComment(false)))},
		{fiber.MethodPost, "/api/admin/reviews/:id/approve", s.admin(s.writer(s.decide(beforetrip.ItemReview, beforetrip.Approve)))},
		{fiber.MethodPost, "/api/admin/reviews/:id/reject", s.admin(s.writer(s.decide(beforetrip.ItemReview, beforetrip.Reject)))},
		{fiber.MethodPost, "/api/admin/reviews/:id/restore", s.admin(s.writer(s.decide(beforetrip.ItemReview, beforetrip.Restore)))},
		{fiber.MethodGet, "/api/admin/users", s.admin(s.listUsers)},
		{fiber.MethodPost, "/api/admin/users/:name/block", s.admin(s.writer(s.blockUser))},
		{fiber.MethodPost, "/api/admin/users/:name/unblock", s.admin(s.writer(s.unblockUser))},
		{fiber.MethodPost, "/api/admin/users/:name/role", s.admin(s.writer(s.setUserRole))},
		{fiber.MethodPost, "/api/admin/users/:name/purge", s.admin(s.writer(s.purgeUser))},
		{fiber.MethodGet, "/api/admin/pages/locked", s.admin(s.lockedPages)},
		{fiber.MethodPost, "/api/admin/pages/lock", s.admin(s.writer(s.lockPage(true)))},
		{fiber.MethodPost, "/api/admin/pages/unlock", s.admin(s.writer(s.lockPage(false)))},
		{fiber.MethodGet, "/api/admin/audit", s.admin(s.audit)},
	}
}

// mount installs the middleware and the route table, then the JSON
// 404/405 for every other /api path.
func (s *Server) mount() {
	s.app.Use(s.requestLog, s.recoverPanic, s.checkHost)
	s.app.Use("/api", apiOnly(s.securityHeaders), apiOnly(s.cors), apiOnly(s.limitReads),
		apiOnly(limitBody), apiOnly(s.csrf))
	for _, r := range s.routes {
		s.app.Add(r.method, r.path, r.handler)
	}
	s.app.All("/api", s.unknownRoute)
	s.app.All("/api/*", s.unknownRoute)
}

// isAPIPath reports whether path is /api or below it.
func isAPIPath(path string) bool {
	return path == "/api" || strings.HasPrefix(path, "/api/")
}

// apiOnly runs h for API paths only: fiber's Use("/api") is a plain string
// prefix and would also catch a page at /apiary/ that `serve` might add.
func apiOnly(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !isAPIPath(c.Path()) {
			return c.Next()
		}
		return h(c)
	}
}

// limitBody refuses API request bodies over bodyLimit (see readLimit).
func limitBody(c *fiber.Ctx) error {
	if len(c.Request().Body()) > bodyLimit {
		return fiber.ErrRequestEntityTooLarge
	}
	return c.Next()
}

// unknownRoute answers 405 with Allow when the path is an endpoint asked
// with another method, and 404 otherwise.
func (s *Server) unknownRoute(c *fiber.Ctx) error {
	var allow []string
	for _, r := range s.routes {
		if pathMatches(r.path, c.Path()) {
			allow = append(allow, r.method)
		}
	}
	if len(allow) == 0 {
		return beforetrip.Errorf(beforetrip.ENOTFOUND, "No such API endpoint.")
	}
	c.Set(fiber.HeaderAllow, strings.Join(allow, ", "))
	return beforetrip.Errorf(codeMethodNotAllowed, "Method not allowed on this endpoint.")
}

// pathMatches matches a route pattern whose ":name" segments stand for any
// non-empty segment.
func pathMatches(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(strings.TrimSuffix(path, "/"), "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if strings.HasPrefix(ps[i], ":") {
			if xs[i] == "" {
				return false
			}
		} else if ps[i] != xs[i] {
			return false
		}
	}
	return true
}

// notify announces a change without blocking (Notifier implementations queue).
func (s *Server) notify(ch beforetrip.Change) { s.svc.Notifier.Notify(ch) }
