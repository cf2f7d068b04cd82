package harness

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Proc is a subprocess whose output goes to a log file, stopped (SIGTERM,
// then SIGKILL) when the test ends; its log is printed if the test failed.
type Proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error
}

// StartProc starts name with args; env entries are added to an environment
// from which the caller's BEFORETRIP_* variables are removed, so a
// developer's shell cannot change what the test runs.
func StartProc(tb testing.TB, name string, env []string, args ...string) *Proc {
	tb.Helper()
	return StartProcIn(tb, "", name, env, args...)
}

// StartProcIn is StartProc with the working directory dir ("" = ours).
func StartProcIn(tb testing.TB, dir, name string, env []string, args ...string) *Proc {
	tb.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(CleanEnv(), env...)
	p, err := launch(cmd, filepath.Join(tb.TempDir(), filepath.Base(name)+".log"))
	if err != nil {
		tb.Fatalf("start %s: %v", name, err)
	}
	tb.Cleanup(func() {
		p.Stop()
		if tb.Failed() {
			tb.Logf("--- log of %s ---\n%s", p.name, tail(p.log, 20000))
		}
	})
	return p
}

// launch starts cmd with its output going to a new log file at logPath.
func launch(cmd *exec.Cmd, logPath string) (*Proc, error) {
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, err
	}
	p := &Proc{name: filepath.Base(cmd.Path) + " " + strings.Join(cmd.Args[1:], " "), cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	return p, nil
}

// Stop sends SIGTERM and waits up to 10 s before killing.
func (p *Proc) Stop() { p.Signal(syscall.SIGTERM) }

// Signal sends sig and waits up to 10 s for the process to end, then
// kills it.
func (p *Proc) Signal(sig syscall.Signal) {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// WaitHTTP polls url until it answers (any status below 500), the process
// exits, or timeout passes.
func (p *Proc) WaitHTTP(tb testing.TB, url string, timeout time.Duration) {
	tb.Helper()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return
			}
		}
		select {
		case <-p.done:
			tb.Fatalf("%s exited before %s answered: %v\n%s", p.name, url, p.err, tail(p.log, 4000))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s: %s did not answer within %s (last error %v)\n%s", p.name, url, timeout, err, tail(p.log, 4000))
		}
	}
}

// Log returns what the process wrote so far.
func (p *Proc) Log() string {
	b, _ := os.ReadFile(p.log)
	return string(b)
}

// tail returns the last n bytes of the file at path.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

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

// NginxBinary is the nginx the tests run: Debian's, else the one on PATH.
func NginxBinary() string {
	if _, err := os.Stat(nginxPath); err == nil {
		return nginxPath
	}
	p, _ := exec.LookPath("nginx")
	return p
}

// StartNginx runs nginx with RepoRoot's deploy/nginx.conf, its production paths
// replaced by the test's: listen port, site root, API upstream, logs and
// temp folders. Each of replace is one more {old, new} substitution, such
// as the API origin in `set $bt_api_origin "";`; old must occur once. It
// returns the base URL.
func StartNginx(tb testing.TB, public string, apiPort int, replace ...[2]string) string {
	tb.Helper()
	base, _ := StartNginxAt(tb, FreePort(tb), public, apiPort, replace...)
	return base
}

// StartNginxAt is StartNginx on a given port, returning the process too:
// a test that stops nginx (the site gone offline) and starts it again
// keeps the same origin, and so the browser's service worker and caches.
func StartNginxAt(tb testing.TB, port int, public string, apiPort int, replace ...[2]string) (string, *Proc) {
	tb.Helper()
	MustNginx(tb)
	conf, err := os.ReadFile(filepath.Join(RepoRoot(tb), "deploy", "nginx.conf"))
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
	p := StartProc(tb, NginxBinary(), nil, "-p", prefix, "-c", confPath,
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
