package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/beforetrip/beforetrip/test/harness"
)

// bearer registers name (password readerPass) and returns an access token
// for scripts.
func bearer(tb testing.TB, api, name string) string {
	tb.Helper()
	return harness.NewClient(api, 0).MustRegister(tb, name, readerPass)
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
