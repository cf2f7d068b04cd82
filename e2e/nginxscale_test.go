package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip/test/harness"
	"go.yaml.in/yaml/v3"
)

// TestNginxScaleConfig: the scaled topology's nginx config passes the real
// nginx's `nginx -t` (the compose host names stand in for local addresses)
// and balances over two instances with passive health checks; the compose
// file parses and names nginx, two api instances probed on /api/readyz and
// PostgreSQL. Docker itself does not run here.
func TestNginxScaleConfig(t *testing.T) {
	harness.MustNginx(t)
	conf, err := os.ReadFile(filepath.Join(repoRoot, "deploy", "nginx-scale.conf"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(conf)
	for _, want := range []string{"server api1:8080 max_fails=3 fail_timeout=10s;",
		"server api2:8080 max_fails=3 fail_timeout=10s;", "proxy_next_upstream error timeout http_502 http_503 http_504;"} {
		if !strings.Contains(text, want) {
			t.Errorf("nginx-scale.conf lacks %q", want)
		}
	}
	prefix := t.TempDir()
	text = strings.NewReplacer("api1:8080", "127.0.0.1:18081", "api2:8080", "127.0.0.1:18082",
		"/var/log/nginx/access.log", filepath.Join(prefix, "access.log")).Replace(text)
	confPath := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(harness.NginxBinary(), "-t", "-p", prefix, "-c", confPath, "-e", filepath.Join(prefix, "error.log"),
		"-g", "pid "+filepath.Join(prefix, "nginx.pid")+";").CombinedOutput()
	if err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}

	data, err := os.ReadFile(filepath.Join(repoRoot, "deploy", "docker-compose.scale.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Environment map[string]string `yaml:"environment"`
			Healthcheck struct {
				Test []string `yaml:"test"`
			} `yaml:"healthcheck"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(data, &compose); err != nil {
		t.Fatalf("docker-compose.scale.yml: %v", err)
	}
	for _, name := range []string{"nginx", "postgres", "api1", "api2"} {
		if _, ok := compose.Services[name]; !ok {
			t.Errorf("compose file has no service %s", name)
		}
	}
	for _, name := range []string{"api1", "api2"} {
		s := compose.Services[name]
		if !strings.HasPrefix(s.Environment["BEFORETRIP_STORE_URL"], "postgres://") ||
			len(s.Healthcheck.Test) < 2 || !strings.Contains(s.Healthcheck.Test[1], "/api/readyz") {
			t.Errorf("%s: store %q, healthcheck %q; want postgres and /api/readyz", name,
				s.Environment["BEFORETRIP_STORE_URL"], s.Healthcheck.Test)
		}
	}
}
