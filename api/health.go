package api

import (
	"context"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

// readyTimeout bounds the store's answer to /api/readyz: a store that takes
// longer (a database across a broken network) is as good as down for the
// balancer asking.
const readyTimeout = 5 * time.Second

// healthz is liveness: the process answers HTTP. It reads nothing, so a
// store outage never gets a live process restarted.
func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"ok": true})
}

// readyz is readiness: this instance can serve, because its store answers
// a cheap read. A balancer sends no traffic to an instance that answers 503.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), readyTimeout)
	defer cancel()
	if err := s.svc.Health.Ping(ctx); err != nil {
		s.log.Error("api: not ready: store does not answer", "err", err, "request_id", requestID(c))
		return beforetrip.Errorf(codeUnavailable, "The store does not answer; this instance is not ready.")
	}
	return c.JSON(fiber.Map{"ok": true})
}

// InFlight is how many requests are being served now; shutdown logs it.
func (s *Server) InFlight() int64 { return s.inFlight.Load() }
