package main

import (
	"context"
	"net"
	"time"
)

// shutdownTimeout is how long stopping waits for requests in flight.
const shutdownTimeout = 10 * time.Second

// logStart says what runs where, once everything listens.
func (s *liveSite) logStart(addr net.Addr) {
	metricsAddr := "off"
	if s.metricsLn != nil {
		metricsAddr = s.metricsLn.Addr().String()
	}
	s.log.Info("beforetrip: started", "command", s.command, "addr", addr.String(),
		"metrics", metricsAddr, "store", s.storeName, "out", s.outDir)
}

// shutdownHTTP stops accepting requests and waits (up to shutdownTimeout)
// for those in flight; it returns how many there were.
func (s *liveSite) shutdownHTTP(ctx context.Context) int64 {
	inFlight := s.api.InFlight()
	s.log.Info("beforetrip: shutting down", "in_flight_requests", inFlight)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := s.api.App().ShutdownWithContext(shutdownCtx); err != nil {
		s.log.Warn("http shutdown", "err", err)
	}
	return inFlight
}

// logStopped says what was drained and what is left, once the worker (which
// finishes a build in progress), the mail sender and HTTP have stopped.
// Nothing left is lost: rebuild changes are in the store and the next
// start's full build covers them; queued mails stay in the outbox and go
// out after the next start.
func (s *liveSite) logStopped(ctx context.Context, inFlight int64) {
	files, data, full := s.worker.Pending()
	attrs := []any{
		"requests_drained", inFlight - s.api.InFlight(), "requests_cut", s.api.InFlight(),
		"rebuild_files_left", files, "rebuild_changes_left", data, "rebuild_full_left", full,
	}
	backlog, err := s.db.Backlog(context.WithoutCancel(ctx))
	if err != nil {
		s.log.Error("beforetrip: outbox at shutdown", "err", err)
	} else {
		attrs = append(attrs, "outbox_mails_left", backlog.Outbox)
	}
	s.log.Info("beforetrip: stopped (what is left is kept for the next start)", attrs...)
}
