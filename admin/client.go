package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"

	"github.com/beforetrip/beforetrip"
)

// ErrNoServer means nothing answers on the socket: the caller may open the
// store file directly instead.
var ErrNoServer = errors.New("admin: no server is listening")

// Backup streams a consistent copy of the running server's store into w.
func Backup(ctx context.Context, socketPath string, w io.Writer) error {
	resp, err := do(ctx, socketPath, http.MethodGet, "/backup", nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	// An incomplete stream (the server failed mid-way) ends without the
	// final chunk, which io.Copy reports as an unexpected EOF.
	if _, err := io.Copy(w, resp.Body); err != nil {
		return fmt.Errorf("admin: backup: %w", err)
	}
	return nil
}

// SetRole sets the role of user name on the running server.
func SetRole(ctx context.Context, socketPath, name string, role beforetrip.Role) error {
	return send(ctx, socketPath, http.MethodPut, userPath(name, "role"), roleRequest{Role: role}, nil)
}

// Block blocks user name on the running server for days days (0: for
// good) with a reason they see, and revokes their sessions.
func Block(ctx context.Context, socketPath, name string, days int, reason string) error {
	return send(ctx, socketPath, http.MethodPost, userPath(name, "block"), blockRequest{Days: days, Reason: reason}, nil)
}

// Unblock lifts the block of user name on the running server.
func Unblock(ctx context.Context, socketPath, name string) error {
	return send(ctx, socketPath, http.MethodPost, userPath(name, "unblock"), nil, nil)
}

// Purge removes every comment and review of user name on the running
// server, which rebuilds the pages that showed them.
func Purge(ctx context.Context, socketPath, name string) (PurgeResult, error) {
	var out PurgeResult
	err := send(ctx, socketPath, http.MethodPost, userPath(name, "purge"), nil, &out)
	return out, err
}

// Users lists every user of the running server whose name or email starts
// with prefix, by name.
func Users(ctx context.Context, socketPath, prefix string) ([]beforetrip.UserSummary, error) {
	var all []beforetrip.UserSummary
	cursor := ""
	for {
		var page beforetrip.UserPage
		q := url.Values{"q": {prefix}, "cursor": {cursor}}
		if err := send(ctx, socketPath, http.MethodGet, "/users?"+q.Encode(), nil, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Users...)
		if cursor = page.Next; cursor == "" {
			return all, nil
		}
	}
}

// Queue lists a whole moderation queue of the running server, oldest first.
func Queue(ctx context.Context, socketPath string, kind beforetrip.QueueKind) ([]beforetrip.QueueItem, error) {
	var all []beforetrip.QueueItem
	cursor := ""
	for {
		var page beforetrip.QueuePage
		q := url.Values{"kind": {string(kind)}, "cursor": {cursor}}
		if err := send(ctx, socketPath, http.MethodGet, "/queue?"+q.Encode(), nil, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if cursor = page.Next; cursor == "" {
			return all, nil
		}
	}
}

// Decide applies a moderator's decision to a comment or review on the
// running server, which rebuilds what it changes.
func Decide(ctx context.Context, socketPath string, kind beforetrip.ItemKind, id uint64, d beforetrip.Decision, reason string) error {
	path := "/" + string(kind) + "s/" + strconv.FormatUint(id, 10) + "/" + url.PathEscape(string(d))
	return send(ctx, socketPath, http.MethodPost, path, decisionRequest{Reason: reason}, nil)
}

func userPath(name, action string) string { return "/users/" + url.PathEscape(name) + "/" + action }

// send makes one request with body (nil: none) as JSON and decodes the
// reply into out (nil: ignored).
func send(ctx context.Context, socketPath, method, path string, body, out any) error {
	var data []byte
	if body != nil {
		var err error
		if data, err = json.Marshal(body); err != nil {
			return err
		}
	}
	resp, err := do(ctx, socketPath, method, path, data)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("admin: %s %s: %w", method, path, err)
	}
	return nil
}

// do sends one request over the socket. A failed dial becomes ErrNoServer;
// an error reply becomes the *beforetrip.Error the server sent.
func do(ctx context.Context, socketPath, method, path string, body []byte) (*http.Response, error) {
	// One request per connection: a CLI call makes one request, and an
	// idle kept-alive connection would outlive it.
	client := &http.Client{Transport: &http.Transport{
		DisableKeepAlives: true,
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", socketPath)
		},
	}}
	req, err := http.NewRequestWithContext(ctx, method, "http://admin"+path, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return nil, fmt.Errorf("%w on %s", ErrNoServer, socketPath)
		}
		return nil, fmt.Errorf("admin: %s %s: %w", method, path, err)
	}
	if resp.StatusCode < 300 {
		return resp, nil
	}
	defer resp.Body.Close()
	var eb errorBody
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&eb); err != nil || eb.Error.Code == "" {
		return nil, fmt.Errorf("admin: %s %s: status %s", method, path, resp.Status)
	}
	if eb.Error.Code == beforetrip.EINTERNAL {
		return nil, fmt.Errorf("admin: server: %s", eb.Error.Message)
	}
	return nil, &beforetrip.Error{Code: eb.Error.Code, Field: eb.Error.Field, Message: eb.Error.Message}
}
