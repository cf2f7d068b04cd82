package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestServeRefusesOtherHosts: `serve` answers only the names it serves. A
// page on rebind.attacker.example whose name was made to resolve to
// 127.0.0.1 (DNS rebinding) could read the preview and call the API
// before; now its requests get 403 for pages and the API alike.
func TestServeRefusesOtherHosts(t *testing.T) {
	s := MustStartServe(t)
	get := func(path, host string) (int, string) {
		req, _ := http.NewRequest("GET", s.URL+path, nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	port := s.URL[strings.LastIndexByte(s.URL, ':'):]
	for _, path := range []string{"/", "/api/healthz", "/api/reviews"} {
		if code, body := get(path, "rebind.attacker.example"+port); code != 403 || !strings.Contains(body, `"forbidden"`) {
			t.Errorf("GET %s for another host: %d %.100s, want a JSON 403", path, code, body)
		}
		for _, host := range []string{"127.0.0.1" + port, "localhost" + port} {
			if code, _ := get(path, host); code != 200 {
				t.Errorf("GET %s for %s: %d, want 200", path, host, code)
			}
		}
	}
}
