package api

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// parsePrefix accepts an IP ("10.0.0.2") or a CIDR range ("10.0.0.0/8").
func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func (s *Server) isTrusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientIP is the peer address, unless the peer is a trusted proxy (fiber's
// trusted-proxy check): then it is the right-most X-Forwarded-For entry that
// is not itself a trusted proxy. Right-most, because a client may send its
// own X-Forwarded-For and nginx appends to it: only what our proxies added
// can be believed.
func (s *Server) clientIP(c *fiber.Ctx) string {
	peer := c.Context().RemoteIP().String()
	if len(s.trusted) == 0 || !c.IsProxyTrusted() {
		return peer
	}
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return peer // a garbled header: trust nothing in it
		}
		if !s.isTrusted(a) {
			return a.Unmap().String()
		}
	}
	return peer
}

// clientKey is the key of the client's per-IP limits: its IPv4 address,
// or the first Config.IPv6Prefix bits of its IPv6 address, since one
// client usually holds a whole /64 and could otherwise use a new address
// for every guess.
func (s *Server) clientKey(c *fiber.Ctx) string {
	return limitKey(s.clientIP(c), s.cfg.IPv6Prefix)
}

// limitKey is ip itself for IPv4 and its bits-long prefix for IPv6.
func limitKey(ip string, bits int) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || a.Unmap().Is4() {
		return ip
	}
	p, err := a.Prefix(bits)
	if err != nil {
		return ip
	}
	return p.String()
}
