package api

import (
	"net"
	"net/netip"
	"strings"

	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

// checkHost refuses requests for a Host the server does not serve when
// Config.AllowedHosts is set. IP addresses and localhost always pass: a
// browser sends a name only when the page was loaded under that name, and
// DNS rebinding needs a name of the attacker's.
func (s *Server) checkHost(c *fiber.Ctx) error {
	if len(s.cfg.AllowedHosts) == 0 {
		return c.Next()
	}
	host := strings.ToLower(string(c.Request().Host()))
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if _, err := netip.ParseAddr(host); err == nil || host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return c.Next()
	}
	for _, h := range s.cfg.AllowedHosts {
		if strings.EqualFold(h, host) {
			return c.Next()
		}
	}
	return beforetrip.Errorf(beforetrip.EFORBIDDEN,
		"This server does not serve the host %q; add it to server.allowed_hosts if it is yours.", host)
}
