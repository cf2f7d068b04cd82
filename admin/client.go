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
	body, err := json.Marshal(roleRequest{Role: role})
	if err != nil {
		return err
	}
	resp, err := do(ctx, socketPath, http.MethodPut, "/users/"+url.PathEscape(name)+"/role", body)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// Block blocks user name on the running server and revokes their sessions.
func Block(ctx context.Context, socketPath, name string) error {
	resp, err := do(ctx, socketPath, http.MethodPost, "/users/"+url.PathEscape(name)+"/block", nil)
	if err != nil {
		return err
	}
	return resp.Body.Close()
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
