package api

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

// queued returns the mails of kind to addr waiting in the outbox (the
// test servers queue into the store and send nothing).
func (ts *testServer) queued(tb testing.TB, to string, kind beforetrip.MailKind) []beforetrip.Mail {
	tb.Helper()
	all, err := ts.DB.DueMails(context.Background(), time.Now().Add(365*24*time.Hour), 10000)
	if err != nil {
		tb.Fatal(err)
	}
	var out []beforetrip.Mail
	for _, m := range all {
		if m.To == to && m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

// tokenOf returns the token of a mailed link ending in #token=….
func tokenOf(tb testing.TB, link string) string {
	tb.Helper()
	_, tok, ok := strings.Cut(link, "#token=")
	if !ok || tok == "" {
		tb.Fatalf("link %q has no #token=", link)
	}
	return tok
}

// lastToken is the token of the newest mail of kind to addr.
func (ts *testServer) lastToken(tb testing.TB, to string, kind beforetrip.MailKind) string {
	tb.Helper()
	ms := ts.queued(tb, to, kind)
	if len(ms) == 0 {
		tb.Fatalf("no %s mail to %s queued", kind, to)
	}
	return tokenOf(tb, ms[len(ms)-1].Link)
}

// me returns the logged-in user of c (fails unless 200).
func (c *client) me() beforetrip.User {
	c.tb.Helper()
	r := c.do("GET", "/api/auth/me", nil)
	r.want(c.tb, http.StatusOK, "")
	var out userResponse
	r.decode(c.tb, &out)
	return out.User
}

// login logs c in with password, returning the status.
func (c *client) login(name, password string) int {
	c.tb.Helper()
	return c.do("POST", "/api/auth/login", map[string]string{"login": name, "password": password}).Status
}

// tamperToken changes one character in the middle of tok's verifier (never
// the last, whose low bits are padding), so it is the same length, well
// formed and certainly a different token.
func tamperToken(tok string) string {
	i := len(tok) - 10
	c := byte('A')
	if tok[i] == c {
		c = 'B'
	}
	return tok[:i] + string(c) + tok[i+1:]
}
