package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/test/harness"
)

// nginxPath is Debian's nginx; tests that need it skip when it is absent.
const nginxPath = "/usr/sbin/nginx"

// MustNginx skips the test when nginx is not installed.
func MustNginx(tb testing.TB) {
	tb.Helper()
	if _, err := os.Stat(nginxPath); err != nil {
		if p, err := exec.LookPath("nginx"); err != nil || p == "" {
			tb.Skip("nginx is not installed (apt-get install nginx)")
		}
	}
}

func nginxBinary() string {
	if _, err := os.Stat(nginxPath); err == nil {
		return nginxPath
	}
	p, _ := exec.LookPath("nginx")
	return p
}

// StartNginx runs nginx with deploy/nginx.conf, its production paths
// replaced by the test's: listen port, site root, API upstream, logs and
// temp folders. Each of replace is one more {old, new} substitution, such
// as the API origin in `set $bt_api_origin "";`; old must occur once. It
// returns the base URL.
func StartNginx(tb testing.TB, public string, apiPort int, replace ...[2]string) string {
	tb.Helper()
	base, _ := StartNginxAt(tb, harness.FreePort(tb), public, apiPort, replace...)
	return base
}

// StartNginxAt is StartNginx on a given port, returning the process too:
// a test that stops nginx (the site gone offline) and starts it again
// keeps the same origin, and so the browser's service worker and caches.
func StartNginxAt(tb testing.TB, port int, public string, apiPort int, replace ...[2]string) (string, *proc) {
	tb.Helper()
	MustNginx(tb)
	conf, err := os.ReadFile(filepath.Join(repoRoot, "deploy", "nginx.conf"))
	if err != nil {
		tb.Fatal(err)
	}
	prefix := tb.TempDir()
	if err := os.Mkdir(filepath.Join(prefix, "tmp"), 0o755); err != nil {
		tb.Fatal(err)
	}
	temps := ""
	for _, k := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		temps += fmt.Sprintf(" %s_temp_path %s;", k, filepath.Join(prefix, "tmp", k))
	}
	text := string(conf)
	for _, r := range append([][2]string{
		{"listen 80;", fmt.Sprintf("listen 127.0.0.1:%d;", port)},
		{"root /srv/beforetrip/public;", "root " + public + ";"},
		{"server 127.0.0.1:8080;", fmt.Sprintf("server 127.0.0.1:%d;", apiPort)},
		{"root /var/www/certbot;", "root " + filepath.Join(prefix, "certbot") + ";"},
		{"access_log /var/log/nginx/access.log beforetrip;",
			"access_log " + filepath.Join(prefix, "access.log") + " beforetrip;" + temps},
	}, replace...) {
		if strings.Count(text, r[0]) != 1 {
			tb.Fatalf("deploy/nginx.conf: want exactly one %q to substitute", r[0])
		}
		text = strings.Replace(text, r[0], r[1], 1)
	}
	confPath := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(text), 0o644); err != nil {
		tb.Fatal(err)
	}
	// Workers run as an unprivileged user when the test runs as root (as
	// in production): the site must be readable by others, like a real
	// public/ is. t.TempDir's folders are 0700; open the path to it.
	if os.Geteuid() == 0 {
		for dir := public; dir != "/" && dir != os.TempDir(); dir = filepath.Dir(dir) {
			if err := os.Chmod(dir, 0o755); err != nil {
				tb.Fatal(err)
			}
		}
	}
	p := StartProc(tb, nginxBinary(), nil, "-p", prefix, "-c", confPath,
		"-e", filepath.Join(prefix, "error.log"),
		"-g", "daemon off; pid "+filepath.Join(prefix, "nginx.pid")+";")
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	// Certbot's challenge path answers on plain HTTP even with the "#https"
	// lines on (everything else then redirects to the HTTPS port).
	p.WaitHTTP(tb, base+"/.well-known/acme-challenge/", 20*time.Second)
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("--- nginx error.log ---\n%s", tail(filepath.Join(prefix, "error.log"), 4000))
		}
	})
	return base, p
}
