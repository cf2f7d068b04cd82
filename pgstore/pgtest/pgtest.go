// Package pgtest starts a throw-away PostgreSQL cluster for tests: initdb
// and pg_ctl in a temporary folder, on a free loopback port, owned by an
// unprivileged user (PostgreSQL refuses to run as root, and tests here run
// as root). One cluster serves a whole test binary; each test gets its own
// database in it. Tests that stop and start PostgreSQL get a crash-safe
// cluster of their own (NewCluster). Tests skip only when the PostgreSQL
// binaries are absent.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// cluster is the one running cluster of this test binary.
var cluster struct {
	once    sync.Once
	err     error  // why it did not start
	absent  bool   // the binaries are not installed
	dir     string // data folder (and socket folder beside it)
	bin     string // folder with initdb and pg_ctl
	runAs   string // user that owns it ("" = this process's user)
	baseURL string // postgres://postgres@127.0.0.1:PORT/
	dbs     atomic.Int64
}

// Main runs m and stops the cluster if a test started it. Use it from
// TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	stop()
	return code
}

// URL returns the URL of a new, empty database in the test binary's
// cluster, starting the cluster on first use. It skips tb when the
// PostgreSQL binaries are not installed and fails it when they are but the
// cluster cannot start.
func URL(tb testing.TB) string {
	tb.Helper()
	cluster.once.Do(start)
	if cluster.absent {
		tb.Skip("PostgreSQL binaries (initdb, pg_ctl) not installed: apt-get install postgresql")
	}
	if cluster.err != nil {
		tb.Fatalf("postgres test cluster: %v", cluster.err)
	}
	return createDB(tb, cluster.baseURL)
}

// createDB creates a new database on the cluster at baseURL.
func createDB(tb testing.TB, baseURL string) string {
	tb.Helper()
	name := fmt.Sprintf("t%d_%d", os.Getpid(), cluster.dbs.Add(1))
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, baseURL+"postgres")
	if err != nil {
		tb.Fatalf("postgres test cluster: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create database %s: %v", name, err)
	}
	return baseURL + name
}

// binDir finds the folder holding initdb and pg_ctl: PATH first, then the
// newest of Debian's /usr/lib/postgresql/N/bin.
func binDir() (string, bool) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), true
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, true
		}
	}
	return "", false
}

// version is N of /usr/lib/postgresql/N/bin.
func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// start runs initdb and pg_ctl start once per test binary.
func start() {
	bin, ok := binDir()
	if !ok {
		cluster.absent = true
		return
	}
	cluster.bin = bin
	cluster.err = startIn(bin)
}

func startIn(bin string) error {
	c, err := initCluster(bin, false)
	cluster.dir, cluster.runAs = c.dir, c.runAs
	if err != nil {
		return err
	}
	if err := c.Start(); err != nil {
		return err
	}
	cluster.baseURL = c.baseURL
	return nil
}

// Cluster is a cluster of one test's own, for tests that stop and start
// PostgreSQL under load. Unlike the shared cluster it is crash safe
// (fsync and synchronous_commit on, PostgreSQL's defaults), so that
// `pg_ctl stop -m immediate` loses no committed transaction.
type Cluster struct {
	dir, bin, runAs string
	port            int
	durable         bool
	baseURL         string
}

// NewCluster starts a crash-safe cluster for tb; it is stopped and removed
// when tb ends. It skips tb when the PostgreSQL binaries are not installed.
func NewCluster(tb testing.TB) *Cluster {
	tb.Helper()
	bin, ok := binDir()
	if !ok {
		tb.Skip("PostgreSQL binaries (initdb, pg_ctl) not installed: apt-get install postgresql")
	}
	c, err := initCluster(bin, true)
	if c.dir != "" {
		tb.Cleanup(func() {
			c.Stop("fast")
			os.RemoveAll(c.dir)
		})
	}
	if err != nil {
		tb.Fatalf("postgres cluster: %v", err)
	}
	if err := c.Start(); err != nil {
		tb.Fatalf("postgres cluster: %v", err)
	}
	return c
}

// URL returns the URL of a new, empty database in c.
func (c *Cluster) URL(tb testing.TB) string {
	tb.Helper()
	return createDB(tb, c.baseURL)
}

// initCluster runs initdb in a new temporary folder (owned by the postgres
// user when running as root) and picks a free port.
func initCluster(bin string, durable bool) (*Cluster, error) {
	c := &Cluster{bin: bin, durable: durable}
	dir, err := os.MkdirTemp("", "beforetrip-pg-")
	if err != nil {
		return c, err
	}
	c.dir = dir
	if os.Geteuid() == 0 {
		// PostgreSQL will not run as root: hand the folder to the
		// unprivileged user Debian's package creates.
		u, err := user.Lookup("postgres")
		if err != nil {
			return c, fmt.Errorf("running as root needs a 'postgres' user to own the cluster: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return c, err
		}
		c.runAs = "postgres"
	}
	if out, err := run(c.runAs, filepath.Join(bin, "initdb"), "-D", c.data(), "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		return c, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	if c.port, err = freePort(); err != nil {
		return c, err
	}
	c.baseURL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/", c.port)
	return c, nil
}

func (c *Cluster) data() string { return filepath.Join(c.dir, "data") }

// Start starts (or starts again) the cluster and waits until it accepts
// connections.
func (c *Cluster) Start() error {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=200", c.port, c.dir)
	if !c.durable {
		// fsync off: a test cluster needs no crash safety, and a loaded
		// 2-core machine spends its time on the tests instead.
		opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	if out, err := run(c.runAs, filepath.Join(c.bin, "pg_ctl"), "start", "-w", "-t", "120", "-D", c.data(),
		"-l", filepath.Join(c.dir, "log"), "-o", opts); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		return fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, log)
	}
	return nil
}

// Stop runs pg_ctl stop with mode "fast" or "immediate" (no checkpoint:
// a crash as far as the data is concerned).
func (c *Cluster) Stop(mode string) error {
	if out, err := run(c.runAs, filepath.Join(c.bin, "pg_ctl"), "stop", "-m", mode, "-w", "-D", c.data()); err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	return nil
}

// stop stops the cluster (fast: sessions are ended) and removes its folder.
func stop() {
	if cluster.dir == "" {
		return
	}
	if cluster.baseURL != "" {
		c := Cluster{dir: cluster.dir, bin: cluster.bin, runAs: cluster.runAs}
		if err := c.Stop("fast"); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		}
	}
	os.RemoveAll(cluster.dir)
}

// run runs a PostgreSQL program as runAs ("": this process's user).
func run(runAs, prog string, args ...string) ([]byte, error) {
	var cmd *exec.Cmd
	if runAs != "" {
		cmd = exec.Command("runuser", append([]string{"-u", runAs, "--", prog}, args...)...)
	} else {
		cmd = exec.Command(prog, args...)
	}
	cmd.Dir = os.TempDir()
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Minute):
		cmd.Process.Kill()
		<-done
		err = errors.Join(err, errors.New("timed out after 5 minutes"))
	}
	return []byte(strings.TrimSpace(string(out))), err
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
