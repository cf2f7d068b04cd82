package api

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
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

func (s *Server) setCookie(c *fiber.Ctx, name, value, path string, httpOnly bool, ttl time.Duration) {
	c.Cookie(&fiber.Cookie{
		Name: name, Value: value, Path: path, Domain: s.cfg.Cookie.Domain,
		MaxAge: int(ttl / time.Second), Expires: time.Now().Add(ttl),
		Secure: s.cfg.Cookie.Secure, HTTPOnly: httpOnly, SameSite: s.cfg.Cookie.SameSite,
	})
}

func (s *Server) clearCookie(c *fiber.Ctx, name, path string, httpOnly bool) {
	c.Cookie(&fiber.Cookie{
		Name: name, Value: "", Path: path, Domain: s.cfg.Cookie.Domain,
		Expires: fasthttp.CookieExpireDelete,
		Secure:  s.cfg.Cookie.Secure, HTTPOnly: httpOnly, SameSite: s.cfg.Cookie.SameSite,
	})
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
