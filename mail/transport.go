package mail

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/beforetrip/beforetrip"
	gomail "github.com/wneessen/go-mail"
)

// transport delivers one rendered message.
type transport interface {
	send(ctx context.Context, m *beforetrip.Mail, msg *gomail.Msg, r *rendered) error
}

// newMsg builds the multipart (text + HTML) message.
func newMsg(from, to string, id uint64, r *rendered) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(from); err != nil {
		return nil, fmt.Errorf("mail: from %q: %w", from, err)
	}
	if err := msg.To(to); err != nil {
		return nil, fmt.Errorf("mail: to %q: %w", to, err)
	}
	msg.Subject(r.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetGenHeader("X-Beforetrip-Mail", strconv.FormatUint(id, 10))
	if r.Unsubscribe != "" {
		// RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click"
		// to the URL, which needs no login.
		msg.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+r.Unsubscribe+">")
		msg.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(gomail.TypeTextPlain, r.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, r.HTML)
	return msg, nil
}

// smtpTransport sends through an SMTP server.
type smtpTransport struct{ client *gomail.Client }

// newSMTP parses smtp://[user:pass@]host[:port] (STARTTLS when the server
// offers it; port 587 by default) or smtps://… (TLS from the start; port
// 465 by default).
func newSMTP(raw string) (*smtpTransport, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("mail: smtp_url %q: want smtp://host:port or smtps://user:pass@host:465", redact(raw))
	}
	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second)}
	port := 587
	switch u.Scheme {
	case "smtp":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case "smtps":
		port = 465
		opts = append(opts, gomail.WithSSL())
	default:
		return nil, fmt.Errorf("mail: smtp_url scheme %q: want smtp or smtps", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("mail: smtp_url port %q: %w", p, err)
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if u.User != nil {
		pass, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}
	c, err := gomail.NewClient(u.Hostname(), opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: smtp client: %w", err)
	}
	return &smtpTransport{client: c}, nil
}

// redact hides the password of an SMTP URL in messages.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "(unparsable URL)"
}

func (t *smtpTransport) send(ctx context.Context, _ *beforetrip.Mail, msg *gomail.Msg, _ *rendered) error {
	return t.client.DialAndSendWithContext(ctx, msg)
}

// dirTransport writes each mail as an .eml file into a folder and prints
// its link on the terminal: with no SMTP server configured (beforetrip
// serve out of the box), a reader on this machine still gets the reset
// or verify link.
type dirTransport struct {
	dir string
	out io.Writer
}

func (t *dirTransport) send(_ context.Context, m *beforetrip.Mail, msg *gomail.Msg, r *rendered) error {
	if err := os.MkdirAll(t.dir, 0o700); err != nil {
		return fmt.Errorf("mail: outbox folder: %w", err)
	}
	name := filepath.Join(t.dir, fmt.Sprintf("%s-%d.eml", time.Now().UTC().Format("20060102T150405Z"), m.ID))
	tmp := name + ".tmp"
	if err := msg.WriteToFile(tmp); err != nil {
		return fmt.Errorf("mail: write %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, name); err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	fmt.Fprintf(t.out, "beforetrip: mail to %s: %q written to %s\n", m.To, r.Subject, name)
	links := []string{m.Link}
	for _, rp := range m.Replies {
		links = append(links, rp.Link)
	}
	for _, l := range append(links, m.Unsubscribe) {
		if l != "" {
			fmt.Fprintf(t.out, "beforetrip:   link: %s\n", l)
		}
	}
	return nil
}
