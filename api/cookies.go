package api

import (
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

// setSessionCookies sets the access and refresh cookies, and a CSRF cookie
// when the browser has none (or newCSRF): keeping it across refreshes means
// other open tabs keep a valid token.
func (s *Server) setSessionCookies(c *fiber.Ctx, access, refresh string, newCSRF bool) {
	s.setCookie(c, cookieAccess, access, pathAccess, true, accessTTL)
	s.setCookie(c, cookieRefresh, refresh, pathRefresh, true, refreshTTL)
	csrf := c.Cookies(cookieCSRF)
	if newCSRF || len(csrf) < 32 {
		csrf = randomToken(32)
	}
	s.setCookie(c, cookieCSRF, csrf, pathCSRF, false, refreshTTL)
	c.Set(headerCSRF, csrf)
}

func (s *Server) clearSessionCookies(c *fiber.Ctx) {
	s.clearCookie(c, cookieAccess, pathAccess, true)
	s.clearCookie(c, cookieRefresh, pathRefresh, true)
	s.clearCookie(c, cookieCSRF, pathCSRF, false)
}
