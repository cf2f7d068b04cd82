package main

import (
	"context"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/test/harness"
)

// TestServeBaseURL: serve on another port than base_url's builds links to
// the address it serves (the shipped base_url is a local address), and
// says so; a base_url naming a real site is kept, and serve says that too.
// Before, --addr on another port left feed, sitemap and canonical links
// pointing at http://127.0.0.1:1313/.
func TestServeBaseURL(t *testing.T) {
	tests := []struct {
		name, baseURL string
		wantLinks     func(s *testServer) string
		wantNote      string
	}{
		{"local base_url", "http://127.0.0.1:1313/", func(s *testServer) string { return s.URL + "/" },
			"(the address served, instead of the config's local http://127.0.0.1:1313/)"},
		{"localhost", "http://localhost:1313/", func(s *testServer) string { return s.URL + "/" },
			"(the address served, instead of the config's local http://localhost:1313/)"},
		{"real site", "https://beforetrip.example/", func(*testServer) string { return "https://beforetrip.example/" },
			"base_url: https://beforetrip.example/ (set in the config: feed, sitemap and canonical links point there, not here)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			MustCopyTree(t, "../../live/testdata/site", root)
			MustCopyTree(t, "../../themes/default", root+"/themes/default")
			cfg, err := os.ReadFile(root + "/config.yaml")
			if err != nil {
				t.Fatal(err)
			}
			MustWriteFile(t, root+"/config.yaml", strings.Replace(string(cfg), "base_url: http://127.0.0.1:1313/", "base_url: "+tt.baseURL, 1))
			s := MustStartServeAt(t, root)
			want := tt.wantLinks(s)
			for _, path := range []string{"/feed.xml", "/sitemap.xml", "/countries/japan/"} {
				_, body := s.get(t, path)
				if !strings.Contains(body, want) {
					t.Errorf("%s does not link to %s", path, want)
				}
				if want != "http://127.0.0.1:1313/" && strings.Contains(body, "127.0.0.1:1313") {
					t.Errorf("%s still links to 127.0.0.1:1313", path)
				}
			}
			if _, page := s.get(t, "/countries/japan/"); !strings.Contains(page, `<link rel="canonical" href="`+want+`countries/japan/">`) {
				t.Errorf("canonical link of /countries/japan/ is not under %s", want)
			}
			deadline := time.Now().Add(30 * time.Second)
			for !strings.Contains(s.stdout.String(), tt.wantNote) && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if out := s.stdout.String(); !strings.Contains(out, tt.wantNote) {
				t.Errorf("serve printed %q, want %q", out, tt.wantNote)
			}
		})
	}
}

func TestPreviewBaseURL(t *testing.T) {
	tests := []struct {
		addr, configured, want string
	}{
		{"127.0.0.1:4000", "http://127.0.0.1:1313/", "http://127.0.0.1:4000/"},
		{"0.0.0.0:4000", "http://127.0.0.1:1313/", "http://127.0.0.1:4000/"},
		{"[::]:4000", "http://[::1]:1313/", "http://[::1]:4000/"},
		{"127.0.0.1:1313", "", "http://127.0.0.1:1313/"},
		{"127.0.0.1:4000", "http://preview.localhost:1313/", "http://127.0.0.1:4000/"},
		{"127.0.0.1:4000", "https://www.example.org/blog/", "https://www.example.org/blog/"},
	}
	for _, tt := range tests {
		t.Run(tt.addr+" "+tt.configured, func(t *testing.T) {
			addr, err := net.ResolveTCPAddr("tcp", tt.addr)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := previewBaseURL(tt.configured, addr); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestSecondServe: a second serve on the same output folder is told that
// another preview runs there (pid, address) and how to run beside it;
// before, it got the production advice to send SIGHUP.
func TestSecondServe(t *testing.T) {
	s := MustStartServe(t)
	var stdout, stderr harness.SyncBuffer
	err := Main(context.Background(), []string{"serve", "--config", s.P("config.yaml"), "--addr", "127.0.0.1:0",
		"--data", t.TempDir()}, &stdout, &stderr)
	if err == nil {
		t.Fatal("a second serve on the same output folder started")
	}
	for _, want := range []string{"another preview is running", "beforetrip serve at " + s.URL + "/", "(pid ", "--out DIR", "--addr HOST:PORT"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("second serve: %v; want %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "SIGHUP") {
		t.Errorf("second serve got the production advice: %v", err)
	}
}
