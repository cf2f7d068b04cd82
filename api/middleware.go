package api

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

const localRequestID = "bt.request_id"

// requestLog is the outermost middleware: it sets the request ID, runs the
// chain, writes any error as JSON itself (so the status it logs is the one
// sent), tells the observer and logs one line. Query strings are never
// logged: they may carry page IDs of private drafts or, from careless
// clients, tokens. The line is built only when info is logged: its
// arguments cost allocations on every request otherwise.
func (s *Server) requestLog(c *fiber.Ctx) error {
	start := time.Now()
	s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	id := c.Get(fiber.HeaderXRequestID)
	if !validRequestID(id) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	c.Locals(localRequestID, id)
	c.Set(fiber.HeaderXRequestID, id)
	if err := c.Next(); err != nil {
		if herr := s.handleError(c, err); herr != nil {
			return herr
		}
	}
	d, status := time.Since(start), c.Response().StatusCode()
	if s.cfg.Observer != nil {
		// After Next, Route is the last route the request matched: the
		// endpoint's pattern, or the middleware's ("/api") that answered.
		s.cfg.Observer.ObserveRequest(c.Method(), c.Route().Path, status, d)
	}
	if ctx := c.UserContext(); s.log.Enabled(ctx, slog.LevelInfo) {
		// LogAttrs: typed attributes, not ...any boxed on every request.
		s.log.LogAttrs(ctx, slog.LevelInfo, "request", slog.String("method", c.Method()),
			slog.String("path", c.Path()), slog.Int("status", status), slog.Duration("duration", d),
			slog.String("ip", s.clientIP(c)), slog.String("request_id", id))
	}
	// Requests take turns. fasthttp serves a keep-alive connection in one
	// goroutine that loops: a reader's next request is often in the socket
	// by the time the response is written, so the loop never blocks, and Go
	// preempts a goroutine only after 10 ms. Under a load that keeps both
	// cores busy, the readers whose connections the network poller had
	// queued behind such a loop waited 10 ms a turn: wrk's p99 was 33-38 ms
	// where nginx, whose event loop serves each ready connection once a
	// round, had 2-12 ms. Yielding here, before the response is written,
	// lets every queued request run first: p99 6-7 ms (issue 20).
	runtime.Gosched()
	return nil
}

// validRequestID accepts client IDs of up to 64 visible ASCII characters
// without spaces, so a hostile header cannot forge log lines.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] > '~' {
			return false
		}
	}
	return true
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}

// recoverPanic turns a panic in a handler into a logged 500 JSON error.
func (s *Server) recoverPanic(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("api: panic", "path", c.Path(), "request_id", requestID(c),
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("api: panic: %v", r)
		}
	}()
	return c.Next()
}

// securityHeaders suits a JSON API: nothing may be framed, sniffed, cached
// or run as a document. There is deliberately no Cross-Origin-Resource-Policy:
// same-origin would block the widget on another origin, and CORS already
// governs who may read the responses.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; frame-ancestors 'none'")
	c.Set(fiber.HeaderCacheControl, "no-store")
	if s.cfg.Cookie.Secure {
		c.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000")
	}
	return c.Next()
}

// cors allows exactly the configured origins, with credentials. A preflight
// from any other origin is refused with 403 and no CORS headers, so the
// browser blocks the request; simple requests from other origins are served
// without CORS headers, so the browser hides the answer.
func (s *Server) cors(c *fiber.Ctx) error {
	origin := c.Get(fiber.HeaderOrigin)
	c.Vary(fiber.HeaderOrigin)
	preflight := c.Method() == fiber.MethodOptions && c.Get(fiber.HeaderAccessControlRequestMethod) != ""
	if origin == "" || !s.origins[origin] {
		if preflight {
			return beforetrip.Errorf(beforetrip.EFORBIDDEN, "This origin may not call the API.")
		}
		return c.Next()
	}
	c.Set(fiber.HeaderAccessControlAllowOrigin, origin)
	c.Set(fiber.HeaderAccessControlAllowCredentials, "true")
	if !preflight {
		c.Set(fiber.HeaderAccessControlExposeHeaders, "Retry-After, X-Request-ID, X-CSRF-Token")
		return c.Next()
	}
	c.Set(fiber.HeaderAccessControlAllowMethods, "GET, POST, PUT, PATCH, DELETE")
	c.Set(fiber.HeaderAccessControlAllowHeaders, "Content-Type, X-CSRF-Token, Authorization")
	c.Set(fiber.HeaderAccessControlMaxAge, "600")
	return c.SendStatus(http.StatusNoContent)
}
