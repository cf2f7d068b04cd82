package api

import (
	"crypto/subtle"
	"errors"
	"strings"

	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

// viewer is the authenticated user of a request.
type viewer struct {
	user      *beforetrip.User
	sessionID string
	bearer    bool // authenticated by an Authorization header, not a cookie
}

func (v *viewer) id() uint64 {
	if v == nil {
		return 0
	}
	return v.user.ID
}

func (v *viewer) moderator() bool { return v != nil && v.user.Role.CanModerate() }

const localViewer = "bt.viewer"

// bearerToken returns the token of an "Authorization: Bearer" header.
func bearerToken(c *fiber.Ctx) (string, bool) {
	h := c.Get(fiber.HeaderAuthorization)
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:]), true
	}
	return "", false
}

// authenticate resolves the request's user from the Bearer header or the
// bt_access cookie. Besides the JWT it reads the user (a blocked user gets
// 403 forbidden) and the session (revoked by logout, block or refresh
// reuse: 401), so a revocation takes effect at once rather than when the
// token expires. The role comes from the store, not the token, for the same
// reason.
func (s *Server) authenticate(c *fiber.Ctx) (*viewer, error) {
	if v, ok := c.Locals(localViewer).(*viewer); ok {
		return v, nil
	}
	raw, bearer := bearerToken(c)
	if !bearer {
		raw = c.Cookies(cookieAccess)
	}
	if raw == "" {
		return nil, errLogIn
	}
	uid, sid, err := s.tokens.parse(raw)
	if err != nil {
		return nil, err
	}
	ctx := c.UserContext()
	u, err := s.svc.Users.UserByID(ctx, uid)
	if err != nil {
		if beforetrip.ErrorCode(err) == beforetrip.ENOTFOUND {
			return nil, errBadToken
		}
		return nil, err
	}
	if u.IsBlocked(s.tokens.now()) {
		return nil, blocked(u)
	}
	sess, err := s.svc.Sessions.Session(ctx, sid)
	if err != nil {
		if beforetrip.ErrorCode(err) == beforetrip.ENOTFOUND {
			return nil, errBadToken
		}
		return nil, err
	}
	if sess.Revoked || sess.UserID != uid || !s.tokens.now().Before(sess.ExpiresAt) {
		return nil, errBadToken
	}
	v := &viewer{user: u, sessionID: sid, bearer: bearer}
	c.Locals(localViewer, v)
	return v, nil
}

// errLogIn is the 401 of a request without credentials, made once:
// every anonymous read asks for its viewer (issue 20: allocations of the
// read path).
var errLogIn = beforetrip.Errorf(beforetrip.EUNAUTHENTICATED, "Log in first.")

// blocked is the 403 a blocked user gets: it says until when and why.
func blocked(u *beforetrip.User) error {
	return beforetrip.Errorf(beforetrip.EFORBIDDEN, "%s", u.BlockMessage())
}

// optionalViewer is the viewer of public reads: nil for anonymous requests
// and for bad, expired or revoked credentials, so a stale cookie never
// breaks reading a page (the widget learns about it from /api/auth/me).
// Store failures still fail the request.
func (s *Server) optionalViewer(c *fiber.Ctx) (*viewer, error) {
	v, err := s.authenticate(c)
	if err != nil {
		var de *beforetrip.Error
		if errors.As(err, &de) {
			return nil, nil
		}
		return nil, err
	}
	return v, nil
}

// user wraps handlers that need a logged-in user.
func (s *Server) user(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if _, err := s.authenticate(c); err != nil {
			return err
		}
		return h(c)
	}
}

// writer wraps handlers that change data: a logged-in user within the
// per-user write rate limit.
func (s *Server) writer(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := s.authenticate(c)
		if err != nil {
			return err
		}
		if err := s.limits.write(c, v.user.ID); err != nil {
			return err
		}
		return h(c)
	}
}

// admin wraps handlers only admins may use.
func (s *Server) admin(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := s.authenticate(c)
		if err != nil {
			return err
		}
		if v.user.Role != beforetrip.RoleAdmin {
			return beforetrip.Errorf(beforetrip.EFORBIDDEN, "Admins only.")
		}
		return h(c)
	}
}

// viewerOf returns the viewer set by user, writer or admin.
func viewerOf(c *fiber.Ctx) *viewer {
	v, _ := c.Locals(localViewer).(*viewer)
	return v
}

// csrfExempt are the unsafe endpoints that need no CSRF token: they take
// credentials in the body and there is no session yet to ride on.
var csrfExempt = map[string]bool{
	"/api/auth/register": true,
	"/api/auth/login":    true,
	"/api/auth/token":    true,
	// The token in the query is the credential, and turning mails off is
	// all it can do; mail clients post it without cookies or header.
	"/api/notifications/unsubscribe": true,
}

// csrf enforces the double-submit check: a POST, PUT, PATCH or DELETE that
// carries a session cookie must repeat the bt_csrf cookie in X-CSRF-Token.
// A page on another site can make the browser send our cookies but can
// neither read bt_csrf nor set the header without passing CORS. Requests
// with an Authorization header carry no ambient credentials and are exempt;
// so are requests with no session cookie at all (they are anonymous and get
// 401 where a login is needed).
func (s *Server) csrf(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if csrfExempt[c.Path()] {
		return c.Next()
	}
	if _, bearer := bearerToken(c); bearer {
		return c.Next()
	}
	if c.Cookies(cookieAccess) == "" && c.Cookies(cookieRefresh) == "" {
		return c.Next()
	}
	cookie, header := c.Cookies(cookieCSRF), c.Get(headerCSRF)
	if cookie == "" || header == "" || subtle.ConstantTimeCompare([]byte(cookie), []byte(header)) != 1 {
		return beforetrip.Errorf(beforetrip.ECSRF, "Missing or wrong X-CSRF-Token header.")
	}
	// With a valid access cookie the token must also be its session's. A
	// request with only the refresh cookie (refresh, logout) is checked as
	// a plain double submit: its session is known only to the store.
	if _, sid, err := s.tokens.parse(c.Cookies(cookieAccess)); err == nil &&
		subtle.ConstantTimeCompare([]byte(header), []byte(s.csrfToken(sid))) != 1 {
		return beforetrip.Errorf(beforetrip.ECSRF, "Missing or wrong X-CSRF-Token header.")
	}
	return c.Next()
}
