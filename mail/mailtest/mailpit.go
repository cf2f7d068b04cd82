// Package mailtest runs a real mail server, mailpit, for tests: it starts
// the binary on free ports and reads the mails it caught through its HTTP
// API. Tests that need it skip only when the binary is not installed
// (go install github.com/axllent/mailpit@v1.33.1; .ci/run does).
package mailtest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Mailpit is a running mailpit.
type Mailpit struct {
	// SMTPURL is what mail.smtp_url takes to send to it.
	SMTPURL string
	// API is the base URL of its HTTP API.
	API string
	tb  testing.TB
}

// Binary finds mailpit on PATH or in $GOPATH/bin; "" if absent.
func Binary() string {
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	for _, dir := range []string{os.Getenv("GOBIN"), filepath.Join(os.Getenv("GOPATH"), "bin"),
		filepath.Join(os.Getenv("HOME"), "go", "bin")} {
		p := filepath.Join(dir, "mailpit")
		if fi, err := os.Stat(p); dir != "" && err == nil && !fi.IsDir() {
			return p
		}
	}
	return ""
}

// Start runs mailpit on free local ports until the test ends; the test is
// skipped when mailpit is not installed.
func Start(tb testing.TB) *Mailpit {
	tb.Helper()
	bin := Binary()
	if bin == "" {
		tb.Skip("mailpit not installed (go install github.com/axllent/mailpit@v1.33.1)")
	}
	smtpAddr, httpAddr := freeAddr(tb), freeAddr(tb)
	cmd := exec.Command(bin, "--smtp", smtpAddr, "--listen", httpAddr,
		"--database", filepath.Join(tb.TempDir(), "mailpit.db"), "--disable-version-check",
		"--smtp-disable-rdns", "--quiet")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start mailpit: %v", err)
	}
	tb.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	m := &Mailpit{SMTPURL: "smtp://" + smtpAddr, API: "http://" + httpAddr, tb: tb}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(m.API + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("mailpit did not become ready at %s: %v", m.API, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The SMTP port may open after the HTTP one.
	for {
		c, err := net.Dial("tcp", smtpAddr)
		if err == nil {
			c.Close()
			return m
		}
		if time.Now().After(deadline) {
			tb.Fatalf("mailpit SMTP not listening at %s: %v", smtpAddr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freeAddr(tb testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// Message is a caught mail as mailpit shows it.
type Message struct {
	ID      string              `json:"ID"`
	Subject string              `json:"Subject"`
	To      []Address           `json:"To"`
	From    Address             `json:"From"`
	Text    string              `json:"Text"`
	HTML    string              `json:"HTML"`
	Headers map[string][]string `json:"-"`
}

// Address is one mailbox.
type Address struct {
	Name    string `json:"Name"`
	Address string `json:"Address"`
}

// Messages returns every caught mail to addr ("" for all), newest first,
// with text, HTML and headers.
func (m *Mailpit) Messages(addr string) []Message {
	m.tb.Helper()
	q := "/api/v1/messages?limit=500"
	if addr != "" {
		q = "/api/v1/search?limit=500&query=" + url.QueryEscape("to:"+addr)
	}
	var list struct {
		Messages []Message `json:"messages"`
	}
	m.get(q, &list)
	out := make([]Message, 0, len(list.Messages))
	for _, s := range list.Messages {
		var full Message
		m.get("/api/v1/message/"+s.ID, &full)
		m.get("/api/v1/message/"+s.ID+"/headers", &full.Headers)
		out = append(out, full)
	}
	return out
}

// Wait returns the mails to addr once there are at least n, failing the
// test after two minutes (mails go out asynchronously; reply batches wait
// up to a minute).
func (m *Mailpit) Wait(addr string, n int) []Message {
	m.tb.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		msgs := m.Messages(addr)
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			m.tb.Fatalf("mailpit: %d mails to %q after two minutes, want %d", len(msgs), addr, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Link returns the first URL in text that starts with prefix.
func Link(tb testing.TB, text, prefix string) string {
	tb.Helper()
	i := strings.Index(text, prefix)
	if i < 0 {
		tb.Fatalf("no link starting %q in mail:\n%s", prefix, text)
	}
	end := strings.IndexAny(text[i:], " \r\n\"<>")
	if end < 0 {
		end = len(text) - i
	}
	return text[i : i+end]
}

func (m *Mailpit) get(path string, v any) {
	m.tb.Helper()
	resp, err := http.Get(m.API + path)
	if err != nil {
		m.tb.Fatalf("mailpit %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		m.tb.Fatalf("mailpit %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		m.tb.Fatalf("mailpit %s: %v", path, fmt.Errorf("decode: %w", err))
	}
}
