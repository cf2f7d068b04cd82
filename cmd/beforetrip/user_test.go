package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/store"
)

// countOnPage counts the list entries of an HTML page whose comment count
// is n.
func countOnPage(html string, n int) int {
	return strings.Count(html, `bt-item-comments" data-count="`+strconv.Itoa(n)+`"`)
}

// waitPage polls path on s until ok accepts its body: the rebuild worker
// debounces, so the page changes some time after the write.
func (s *testServer) waitPage(tb testing.TB, path string, ok func(string) bool) {
	tb.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		_, body := s.get(tb, path)
		if ok(body) {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s never changed as expected:\n%s", path, tail(body, 2000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestUserCommandsThroughServe runs user list, block (timed, with a
// reason), unblock, purge and moderation queue while serve holds the
// store: they go through the admin socket, and the purge rebuilds the
// pages that counted the purged comment.
func TestUserCommandsThroughServe(t *testing.T) {
	s := MustStartServe(t)
	data := s.P("data")
	alice, bob := s.MustUser(t, "alice"), s.MustUser(t, "bob")
	var created struct {
		Comment beforetrip.Comment `json:"comment"`
	}
	page := "countries/japan/tips/jr-pass"
	if code := s.api(t, "POST", "/api/comments", alice, map[string]any{"page": page, "body": "Buy it before you fly."}, &created); code != 201 {
		t.Fatalf("comment: %d", code)
	}
	id := strconv.FormatUint(created.Comment.ID, 10)
	if code := s.api(t, "POST", "/api/comments/"+id+"/report", bob, map[string]string{"reason": "spam"}, nil); code != 202 {
		t.Fatalf("report: %d", code)
	}
	s.waitPage(t, "/countries/japan/", func(b string) bool { return countOnPage(b, 1) == 1 })

	out, err := runMain(t, "user", "list", "--data", data)
	if err != nil || !regexp.MustCompile(`(?m)^alice\s+reader\s+-\s+\d{4}-\d\d-\d\d\s+1\s+0\s+1$`).MatchString(out) {
		t.Fatalf("user list: %v\n%s", err, out)
	}
	out, err = runMain(t, "moderation", "queue", "--data", data)
	if err != nil || !strings.Contains(out, "pending: 0") || !strings.Contains(out, "reported: 1") ||
		!strings.Contains(out, "comment "+id+"  "+page+"  by alice") || !strings.Contains(out, "reported spam by bob") {
		t.Fatalf("moderation queue: %v\n%s", err, out)
	}

	out, err = runMain(t, "user", "block", "bob", "--days", "2", "--reason", "spam links", "--data", data)
	if err != nil || !strings.Contains(out, "blocked until ") {
		t.Fatalf("block: %q, %v", out, err)
	}
	var apiErr struct {
		Error struct{ Message string } `json:"error"`
	}
	if code := s.api(t, "POST", "/api/comments", bob, map[string]any{"page": page, "body": "more spam"}, &apiErr); code != 403 ||
		!strings.Contains(apiErr.Error.Message, "spam links") {
		t.Errorf("blocked bob comments: %d %q, want 403 with the reason", code, apiErr.Error.Message)
	}
	out, _ = runMain(t, "user", "list", "b", "--data", data)
	if !strings.Contains(out, "until ") || !strings.Contains(out, ": spam links") || strings.Contains(out, "alice") {
		t.Errorf("user list b after the block:\n%s", out)
	}
	if _, err := runMain(t, "user", "unblock", "bob", "--data", data); err != nil {
		t.Fatal(err)
	}
	if out, _ = runMain(t, "user", "list", "bob", "--data", data); !regexp.MustCompile(`(?m)^bob\s+reader\s+-\s`).MatchString(out) {
		t.Errorf("user list after unblock:\n%s", out)
	}

	out, err = runMain(t, "user", "purge", "alice", "--data", data)
	if err != nil || !strings.Contains(out, "1 comments and 0 reviews removed; the running server rebuilds") {
		t.Fatalf("purge: %q, %v", out, err)
	}
	s.waitPage(t, "/countries/japan/", func(b string) bool { return countOnPage(b, 1) == 0 })
	if out, _ = runMain(t, "moderation", "queue", "--kind", "reported", "--data", data); !strings.Contains(out, "reported: 0") {
		t.Errorf("reported queue after the purge:\n%s", out)
	}
}

// TestModerationCommandsDirect runs the commands on the store file with no
// server: a decision and a purge rebuild the site from the config, and bad
// input changes nothing.
func TestModerationCommandsDirect(t *testing.T) {
	root := t.TempDir()
	MustCopyTree(t, "../../live/testdata/site", root)
	MustCopyTree(t, "../../themes/default", filepath.Join(root, "themes", "default"))
	cfg := filepath.Join(root, "config.yaml")
	ctx := context.Background()
	if err := os.Mkdir(filepath.Join(root, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(filepath.Join(root, "data", "beforetrip.db"))
	if err != nil {
		t.Fatal(err)
	}
	alice := &beforetrip.User{Username: "alice", Email: "alice@example.com"}
	if err := db.CreateUser(ctx, alice); err != nil {
		t.Fatal(err)
	}
	public := &beforetrip.Comment{Page: "countries/japan/tips/jr-pass", Author: beforetrip.Author{ID: alice.ID}, Body: "public"}
	pending := &beforetrip.Comment{Page: "countries/japan/tips/suica", Author: beforetrip.Author{ID: alice.ID}, Body: "waiting", Pending: true}
	for _, c := range []*beforetrip.Comment{public, pending} {
		if err := db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	country := filepath.Join(root, "public", "countries", "japan", "index.html")
	countryHTML := func() string {
		b, err := os.ReadFile(country)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	out, err := runMain(t, "moderation", "queue", "--kind", "pending", "--config", cfg)
	if err != nil || !strings.Contains(out, "pending: 1") || !strings.Contains(out, `"waiting"`) {
		t.Fatalf("queue: %v\n%s", err, out)
	}
	pid := strconv.FormatUint(pending.ID, 10)
	out, err = runMain(t, "moderation", "approve", "comment", pid, "--config", cfg)
	if err != nil || !strings.Contains(out, "site rebuilt") {
		t.Fatalf("approve: %q, %v", out, err)
	}
	if n := countOnPage(countryHTML(), 1); n != 2 {
		t.Errorf("after the approval the country page counts one comment on %d tips, want 2", n)
	}

	bad := []struct {
		name string
		args []string
		want string
	}{
		{"negative days", []string{"user", "block", "alice", "--days", "-1", "--config", cfg}, "days must be 0"},
		{"unknown queue", []string{"moderation", "queue", "--kind", "later", "--config", cfg}, "unknown --kind"},
		{"bad item", []string{"moderation", "reject", "note", "1", "--config", cfg}, "want comment|review ID"},
		{"purge without config", []string{"user", "purge", "alice", "--data", filepath.Join(root, "data"),
			"--config", filepath.Join(root, "missing.yaml")}, "config is needed"},
		{"unknown user", []string{"user", "purge", "nobody", "--config", cfg}, "user not found"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := runMain(t, tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
	out, err = runMain(t, "user", "list", "--config", cfg)
	if err != nil || !regexp.MustCompile(`(?m)^alice\s+reader\s+-\s+\S+\s+2\s+0\s+0$`).MatchString(out) {
		t.Fatalf("alice changed by bad input:\n%s", out)
	}

	out, err = runMain(t, "user", "purge", "alice", "--config", cfg)
	if err != nil || !strings.Contains(out, "2 comments and 0 reviews removed; site rebuilt") {
		t.Fatalf("purge: %q, %v", out, err)
	}
	if html := countryHTML(); countOnPage(html, 1) != 0 {
		t.Errorf("after the purge the country page still counts comments:\n%s", tail(html, 2000))
	}
}
