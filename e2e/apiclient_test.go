package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
)

// bearer registers a user and returns an access token for scripts.
func bearer(tb testing.TB, api, name, email string) string {
	tb.Helper()
	apiCall(tb, api, "", "POST", "/api/auth/register", map[string]any{"username": name, "email": email, "password": readerPass}, http.StatusCreated)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	b := apiCall(tb, api, "", "POST", "/api/auth/token", map[string]any{"login": name, "password": readerPass}, http.StatusOK)
	if err := json.Unmarshal(b, &tok); err != nil || tok.AccessToken == "" {
		tb.Fatalf("token: %v %s", err, b)
	}
	return tok.AccessToken
}

// apiCall sends a JSON request (with a Bearer token if given) and checks
// the status.
func apiCall(tb testing.TB, api, token, method, path string, body any, want int) []byte {
	tb.Helper()
	var r *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	} else {
		r = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, api+path, r)
	if err != nil {
		tb.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	if resp.StatusCode != want {
		tb.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, buf.String())
	}
	return buf.Bytes()
}
