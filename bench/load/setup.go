package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/valyala/fasthttp"
)

// client sends requests to one API host over a pool of keep-alive
// connections.
type client struct {
	hc      *fasthttp.HostClient
	base    string // scheme://host
	timeout time.Duration
}

func newClient(o options) *client {
	u, err := url.Parse(o.URL)
	host := o.URL
	if err == nil && u.Host != "" {
		host = u.Host
	}
	return &client{
		hc: &fasthttp.HostClient{
			Addr:                      host,
			IsTLS:                     err == nil && u.Scheme == "https",
			MaxConns:                  o.Conns + 8, // + setup requests
			MaxIdemponentCallAttempts: 1,           // a retried request would hide an error
			ReadTimeout:               o.Timeout,
			WriteTimeout:              o.Timeout,
		},
		base:    o.URL,
		timeout: o.Timeout,
	}
}

// do sends one request and returns the status and a copy of the body.
func (c *client) do(method, path string, body []byte, token string) (int, []byte, error) {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(c.base + path)
	req.Header.SetMethod(method)
	if body != nil {
		req.Header.SetContentType("application/json")
		req.SetBody(body)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if err := c.hc.DoTimeout(req, resp, c.timeout); err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	return resp.StatusCode(), append([]byte(nil), resp.Body()...), nil
}

// pageIDs reads the page IDs to use: every non-home page of the manifest, or
// when none is given, the IDs the API lists as popular tips and reviews.
func pageIDs(ctx context.Context, c *client, manifest string) ([]string, error) {
	var ids []string
	if manifest != "" {
		data, err := os.ReadFile(manifest)
		if err != nil {
			return nil, fmt.Errorf("manifest: %w", err)
		}
		var m beforetrip.Manifest
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("manifest %s: %w", manifest, err)
		}
		for _, p := range m.Pages {
			if p.ID != "" {
				ids = append(ids, p.ID)
			}
		}
	} else {
		for _, section := range []string{beforetrip.SectionTips, beforetrip.SectionReviews} {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			status, body, err := c.do("GET", "/api/popular?limit=100&section="+section, nil, "")
			if err != nil {
				return nil, err
			}
			if status != 200 {
				return nil, fmt.Errorf("GET /api/popular: status %d: %.200s", status, body)
			}
			var pop struct {
				Items []struct {
					ID string `json:"id"`
				} `json:"items"`
			}
			if err := json.Unmarshal(body, &pop); err != nil {
				return nil, fmt.Errorf("GET /api/popular: %w", err)
			}
			for _, it := range pop.Items {
				ids = append(ids, it.ID)
			}
		}
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("no page IDs (build the site first, or pass --manifest)")
	}
	return ids, nil
}

// password is shared by every load-test account; it passes the API's rules
// (length, not common, not the username).
const password = "load-test passphrase 2026"

// userTokens registers n accounts named prefix0000… (an existing name is
// reused) and returns one Bearer token each. Password hashing is deliberately
// slow, so a few requests run at a time.
func userTokens(ctx context.Context, c *client, prefix string, n int) ([]string, error) {
	tokens := make([]string, n)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  = make(chan int)
	)
	for range 4 {
		wg.Go(func() {
			for i := range next {
				tok, err := userToken(c, fmt.Sprintf("%s%04d", prefix, i))
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				tokens[i] = tok
				mu.Unlock()
			}
		})
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	if first != nil {
		return nil, first
	}
	return tokens, ctx.Err()
}

func userToken(c *client, name string) (string, error) {
	reg, _ := json.Marshal(map[string]string{"username": name, "email": name + "@example.com", "password": password})
	status, body, err := c.do("POST", "/api/auth/register", reg, "")
	if err != nil {
		return "", err
	}
	if status != 201 && status != 409 { // 409: created by an earlier run
		return "", fmt.Errorf("register %s: status %d: %.200s", name, status, body)
	}
	login, _ := json.Marshal(map[string]string{"login": name, "password": password})
	status, body, err = c.do("POST", "/api/auth/token", login, "")
	if err != nil {
		return "", err
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if status != 200 || json.Unmarshal(body, &tok) != nil || tok.AccessToken == "" {
		return "", fmt.Errorf("token %s: status %d: %.200s", name, status, body)
	}
	return tok.AccessToken, nil
}

// dumpIDs writes one URL-escaped page ID per line.
func dumpIDs(path string, ids []string) error {
	escaped := make([]string, len(ids))
	for i, id := range ids {
		escaped[i] = url.QueryEscape(id)
	}
	return writeLines(path, escaped)
}

// writeLines writes lines to path, one a line.
func writeLines(path string, lines []string) error {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
