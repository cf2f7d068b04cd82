package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Cookie names and paths. The access token goes to every API call; the
// refresh token only to /api/auth (refresh, logout); the CSRF token must be
// readable by the widget's JavaScript on every page, hence Path=/ and not
// HttpOnly.
const (
	cookieAccess  = "bt_access"
	cookieRefresh = "bt_refresh"
	cookieCSRF    = "bt_csrf"

	pathAccess  = "/api"
	pathRefresh = "/api/auth"
	pathCSRF    = "/"
)

// setCookie appends a Set-Cookie header. It is written with net/http's
// Cookie because fasthttp cannot set Partitioned: with SameSite=None (the
// widget on another site) cookies are partitioned (CHIPS), since browsers
// that block third-party cookies — Chromium among them — still keep
// partitioned ones, keyed by the site that embeds the widget.
func (s *Server) setCookie(c *fiber.Ctx, name, value, path string, httpOnly bool, ttl time.Duration) {
	ck := &http.Cookie{
		Name: name, Value: value, Path: path, Domain: s.cfg.Cookie.Domain,
		Secure: s.cfg.Cookie.Secure, HttpOnly: httpOnly,
		Partitioned: s.cfg.Cookie.SameSite == "None",
	}
	switch s.cfg.Cookie.SameSite {
	case "Strict":
		ck.SameSite = http.SameSiteStrictMode
	case "None":
		ck.SameSite = http.SameSiteNoneMode
	default:
		ck.SameSite = http.SameSiteLaxMode
	}
	if ttl > 0 {
		ck.MaxAge, ck.Expires = int(ttl/time.Second), time.Now().Add(ttl).UTC()
	} else {
		ck.MaxAge, ck.Expires = -1, time.Unix(0, 0).UTC()
	}
	// Header.Add keeps the serialized cookie as is (one header per name).
	c.Response().Header.Add(fiber.HeaderSetCookie, ck.String())
}

// clearCookie tells the browser to drop a cookie at once.
func (s *Server) clearCookie(c *fiber.Ctx, name, path string, httpOnly bool) {
	s.setCookie(c, name, "", path, httpOnly, 0)
}

// headerCSRF carries the CSRF token in requests and, for a widget on
// another origin that cannot read the API's cookies, in the responses of
// register, login, refresh and me. Only CORS-allowed origins can read it.
const headerCSRF = "X-CSRF-Token"

// setSessionCookies sets the access and refresh cookies, and the CSRF
// cookie of the session (csrfToken): a refresh keeps the session, so other
// open tabs keep a valid token.
func (s *Server) setSessionCookies(c *fiber.Ctx, access, refresh, sessionID string) {
	s.setCookie(c, cookieAccess, access, pathAccess, true, accessTTL)
	s.setCookie(c, cookieRefresh, refresh, pathRefresh, true, refreshTTL)
	csrf := s.csrfToken(sessionID)
	s.setCookie(c, cookieCSRF, csrf, pathCSRF, false, refreshTTL)
	c.Set(headerCSRF, csrf)
}

// csrfToken is the CSRF token of a session: an HMAC of its ID under the
// JWT secret (signed double submit). Someone who can plant a bt_csrf
// cookie (from a sibling subdomain, say) and send the same header still
// fails, since only the server can make the token of the victim's session.
func (s *Server) csrfToken(sessionID string) string {
	m := hmac.New(sha256.New, s.tokens.secret)
	m.Write([]byte("bt-csrf\x00" + sessionID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Server) clearSessionCookies(c *fiber.Ctx) {
	s.clearCookie(c, cookieAccess, pathAccess, true)
	s.clearCookie(c, cookieRefresh, pathRefresh, true)
	s.clearCookie(c, cookieCSRF, pathCSRF, false)
}
