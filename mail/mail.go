// Package mail delivers beforetrip's mails (password reset, email
// verification, reply notifications) from the store's durable outbox:
// requests only queue a mail; the Sender renders it in the site's language
// (text and HTML) and sends it through SMTP, or writes it as an .eml file
// when no SMTP server is configured, retrying with backoff so an outage of
// the mail server loses nothing and never slows a request.
package mail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/beforetrip/beforetrip"
)

// Retry policy: the first retry after a minute, doubling up to six hours;
// a mail that still fails after maxAttempts (about four days) is dropped
// with an error in the log.
const (
	firstRetry  = time.Minute
	maxRetry    = 6 * time.Hour
	maxAttempts = 20
)

// Config says how and as whom to send.
type Config struct {
	// SMTPURL is smtp://[user:pass@]host[:port] or smtps://…; empty writes
	// mails into Dir instead.
	SMTPURL string
	// From is the sender address ("beforetrip <noreply@example.com>").
	From string
	// Dir receives .eml files when SMTPURL is empty.
	Dir string
	// Terminal receives the links of mails written to Dir; nil discards.
	Terminal io.Writer
	// Site is the site title, Language its UI language (en or ko).
	Site, Language string
}

// Sender delivers the outbox. It implements beforetrip.Outbox by queueing
// into the store and waking itself.
type Sender struct {
	queue     beforetrip.MailQueue
	outbox    beforetrip.Outbox
	cfg       Config
	transport transport
	log       *slog.Logger
	wake      chan struct{}
	now       func() time.Time
	retry     time.Duration
}

// Option configures New.
type Option func(*Sender)

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(s *Sender) { s.log = l } }

// WithFirstRetry sets the delay before the first retry (tests shorten it).
func WithFirstRetry(d time.Duration) Option { return func(s *Sender) { s.retry = d } }

// New checks cfg and returns a Sender for the store's outbox.
func New(store interface {
	beforetrip.MailQueue
	beforetrip.Outbox
}, cfg Config, opts ...Option) (*Sender, error) {
	if cfg.From == "" {
		return nil, errors.New("mail: from address required (mail.from)")
	}
	if _, ok := wording[cfg.Language]; !ok {
		return nil, fmt.Errorf("mail: language %q: want en or ko", cfg.Language)
	}
	s := &Sender{queue: store, outbox: store, cfg: cfg, log: slog.New(slog.DiscardHandler),
		wake: make(chan struct{}, 1), now: time.Now, retry: firstRetry}
	for _, o := range opts {
		o(s)
	}
	if _, err := newMsg(cfg.From, "check@example.com", 0, &rendered{}); err != nil {
		return nil, err
	}
	if cfg.SMTPURL == "" {
		if cfg.Dir == "" {
			return nil, errors.New("mail: without smtp_url an outbox folder is required")
		}
		out := cfg.Terminal
		if out == nil {
			out = io.Discard
		}
		s.transport = &dirTransport{dir: cfg.Dir, out: out}
		return s, nil
	}
	t, err := newSMTP(cfg.SMTPURL)
	if err != nil {
		return nil, err
	}
	s.transport = t
	return s, nil
}

// SMTP reports whether mails go to an SMTP server (not into files).
func (s *Sender) SMTP() bool { return s.cfg.SMTPURL != "" }

// QueueMail stores m in the outbox and wakes the sender.
func (s *Sender) QueueMail(ctx context.Context, m *beforetrip.Mail) error {
	if err := s.outbox.QueueMail(ctx, m); err != nil {
		return err
	}
	s.poke()
	return nil
}

// QueueReply adds a reply to the user's batch; the sender wakes when the
// batch is due, as for any queued mail.
func (s *Sender) QueueReply(ctx context.Context, m beforetrip.Mail, r beforetrip.MailReply, window time.Duration) error {
	if err := s.outbox.QueueReply(ctx, m, r, window); err != nil {
		return err
	}
	s.poke()
	return nil
}

// QueueTokenMail stores a token and its mails (see beforetrip.Outbox) and
// wakes the sender.
func (s *Sender) QueueTokenMail(ctx context.Context, login string, compose beforetrip.TokenMailFunc) error {
	if err := s.outbox.QueueTokenMail(ctx, login, compose); err != nil {
		return err
	}
	s.poke()
	return nil
}

func (s *Sender) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run delivers due mails until ctx ends, sleeping until the next one is
// due or a new one is queued.
func (s *Sender) Run(ctx context.Context) {
	for {
		s.deliverDue(ctx)
		wait := time.Minute // also covers a clock jump or a failed read
		if at, ok, err := s.queue.NextMailAt(ctx); err == nil && ok {
			wait = min(wait, max(at.Sub(s.now()), 0))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// deliverDue sends every mail due now.
func (s *Sender) deliverDue(ctx context.Context) {
	for ctx.Err() == nil {
		due, err := s.queue.DueMails(ctx, s.now(), 20)
		if err != nil {
			s.log.Error("mail: reading the outbox failed", "err", err)
			return
		}
		if len(due) == 0 {
			return
		}
		for i := range due {
			s.deliver(ctx, &due[i])
		}
	}
}

// deliver sends one mail and records the outcome.
func (s *Sender) deliver(ctx context.Context, m *beforetrip.Mail) {
	err := s.send(ctx, m)
	if err == nil {
		if err := s.queue.MailSent(ctx, m.ID); err != nil {
			s.log.Error("mail: sent but not removed from the outbox (it may be sent again)", "mail", m.ID, "err", err)
		}
		s.log.Info("mail: sent", "mail", m.ID, "kind", m.Kind)
		return
	}
	if ctx.Err() != nil {
		return // shutting down: the mail stays due
	}
	if m.Attempts+1 >= maxAttempts {
		s.log.Error("mail: giving up", "mail", m.ID, "kind", m.Kind, "attempts", m.Attempts+1, "err", err)
		if err := s.queue.MailSent(ctx, m.ID); err != nil {
			s.log.Error("mail: dropping a failed mail", "mail", m.ID, "err", err)
		}
		return
	}
	delay := min(s.retry<<min(m.Attempts, 16), maxRetry)
	s.log.Warn("mail: sending failed; will retry", "mail", m.ID, "kind", m.Kind, "in", delay, "err", err)
	if err := s.queue.MailFailed(ctx, m.ID, s.now().Add(delay), err.Error()); err != nil {
		s.log.Error("mail: recording a failed attempt", "mail", m.ID, "err", err)
	}
}

func (s *Sender) send(ctx context.Context, m *beforetrip.Mail) error {
	r, err := render(m, s.cfg.Site, s.cfg.Language)
	if err != nil {
		return err
	}
	msg, err := newMsg(s.cfg.From, m.To, m.ID, r)
	if err != nil {
		return err
	}
	return s.transport.send(ctx, m, msg, r)
}
