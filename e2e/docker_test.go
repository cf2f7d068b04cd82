package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/test/harness"
	"go.yaml.in/yaml/v3"
)

// TestContainerCommand runs the binary the way the Dockerfile and
// deploy/docker-compose.yml do (no Docker engine runs here): their ENV,
// WORKDIR, ENTRYPOINT and CMD, the compose service's environment, the
// image's file layout under a temp root, and the health check URL. Then it
// takes a backup as docs/deploy.md says, through the running server.
func TestContainerCommand(t *testing.T) {
	df := parseDockerfile(t, filepath.Join(repoRoot, "Dockerfile"))
	root := t.TempDir()
	port := fmt.Sprint(harness.FreePort(t))
	// The image's paths, rooted in the temp folder.
	mapPath := strings.NewReplacer("/app", root+"/app", "/data", root+"/data",
		"/srv/beforetrip/public", root+"/public", ":8080", ":"+port)
	for _, dir := range []string{"app", "data", "public"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range df.copies {
		src, dst := filepath.Join(repoRoot, c[0]), mapPath.Replace(c[1])
		if out, err := exec.Command("cp", "-r", strings.TrimSuffix(src, "/"), strings.TrimSuffix(dst, "/")).CombinedOutput(); err != nil {
			t.Fatalf("COPY %s %s: %v %s", c[0], c[1], err, out)
		}
	}
	env := []string{"BEFORETRIP_JWT_SECRET=" + testJWTSecret}
	for k, v := range df.env {
		env = append(env, k+"="+mapPath.Replace(v))
	}
	for k, v := range composeEnv(t) {
		if k != "BEFORETRIP_JWT_SECRET" {
			env = append(env, k+"="+mapPath.Replace(v))
		}
	}
	args := df.cmd
	for i := range args {
		args[i] = mapPath.Replace(args[i])
	}
	p := harness.StartProcIn(t, mapPath.Replace(df.workdir), harness.MustBinary(t), env, args...)
	health := mapPath.Replace(df.health)
	p.WaitHTTP(t, health, 60*time.Second)
	if _, err := os.Stat(filepath.Join(root, "public", "index.html")); err != nil {
		t.Errorf("the container's api did not build the site into its public volume: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "data", "beforetrip.db")); err != nil {
		t.Errorf("no store in the data volume: %v", err)
	}

	backup := exec.Command(harness.MustBinary(t), "backup", "--out", filepath.Join(root, "data", "backup.db"))
	backup.Dir = mapPath.Replace(df.workdir)
	backup.Env = append(harness.CleanEnv(), env...)
	if out, err := backup.CombinedOutput(); err != nil {
		t.Fatalf("backup in the running container: %v\n%s", err, out)
	}
	if fi, err := os.Stat(filepath.Join(root, "data", "backup.db")); err != nil || fi.Size() == 0 {
		t.Errorf("backup file: %v", err)
	}
}

type dockerfile struct {
	env     map[string]string
	copies  [][2]string // COPY src dst of the final stage (not --from)
	workdir string
	cmd     []string // ENTRYPOINT args + CMD, ENTRYPOINT's binary dropped
	health  string   // URL of the HEALTHCHECK
}

// parseDockerfile reads what the final stage does: enough of the syntax
// for our Dockerfile (continuation lines, ENV k=v pairs, exec-form CMD).
func parseDockerfile(tb testing.TB, path string) dockerfile {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	df := dockerfile{env: map[string]string{}}
	var entry, cmd []string
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		switch strings.ToUpper(f[0]) {
		case "FROM": // a new stage: only the last one counts
			df = dockerfile{env: map[string]string{}}
			entry, cmd = nil, nil
		case "ENV":
			for _, kv := range f[1:] {
				k, v, _ := strings.Cut(kv, "=")
				df.env[k] = v
			}
		case "COPY":
			if !strings.HasPrefix(f[1], "--from") {
				df.copies = append(df.copies, [2]string{f[1], f[2]})
			}
		case "WORKDIR":
			df.workdir = f[1]
		case "ENTRYPOINT":
			entry = execForm(tb, line)
		case "CMD":
			cmd = execForm(tb, line)
		case "HEALTHCHECK":
			df.health = regexp.MustCompile(`http://\S+`).FindString(line)
		}
	}
	if len(entry) == 0 || !strings.HasSuffix(entry[0], "/beforetrip") || df.health == "" || df.workdir == "" {
		tb.Fatalf("Dockerfile: want ENTRYPOINT [\".../beforetrip\"], WORKDIR and a HEALTHCHECK URL; got %q %q %q", entry, df.workdir, df.health)
	}
	df.cmd = append(entry[1:], cmd...)
	return df
}

func execForm(tb testing.TB, line string) []string {
	tb.Helper()
	var v []string
	if err := json.Unmarshal([]byte(line[strings.Index(line, "["):]), &v); err != nil {
		tb.Fatalf("Dockerfile: %q is not exec form: %v", line, err)
	}
	return v
}

// composeEnv returns the api service's environment in
// deploy/docker-compose.yml with ${VAR:-default} resolved to the default.
func composeEnv(tb testing.TB) map[string]string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "deploy", "docker-compose.yml"))
	if err != nil {
		tb.Fatal(err)
	}
	var c struct {
		Services map[string]struct {
			Environment map[string]string `yaml:"environment"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		tb.Fatalf("docker-compose.yml: %v", err)
	}
	api, ok := c.Services["api"]
	if !ok {
		tb.Fatal("docker-compose.yml: no api service")
	}
	def := regexp.MustCompile(`\$\{[A-Z_]+:-([^}]*)\}`)
	env := map[string]string{}
	for k, v := range api.Environment {
		env[k] = def.ReplaceAllString(v, "$1")
	}
	return env
}
