// Package pgtest starts a throw-away PostgreSQL cluster for tests: initdb
// and pg_ctl in a temporary folder, on a free loopback port, owned by an
// unprivileged user (PostgreSQL refuses to run as root, and tests here run
// as root). One cluster serves a whole test binary; each test gets its own
// database in it. Tests skip only when the PostgreSQL binaries are absent.
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
	name := fmt.Sprintf("t%d_%d", os.Getpid(), cluster.dbs.Add(1))
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, cluster.baseURL+"postgres")
	if err != nil {
		tb.Fatalf("postgres test cluster: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create database %s: %v", name, err)
	}
	return cluster.baseURL + name
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
	dir, err := os.MkdirTemp("", "beforetrip-pg-")
	if err != nil {
		return err
	}
	cluster.dir = dir
	if os.Geteuid() == 0 {
		// PostgreSQL will not run as root: hand the folder to the
		// unprivileged user Debian's package creates.
		u, err := user.Lookup("postgres")
		if err != nil {
			return fmt.Errorf("running as root needs a 'postgres' user to own the cluster: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return err
		}
		cluster.runAs = "postgres"
	}
	data, sock := filepath.Join(dir, "data"), dir
	if out, err := run(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	// fsync off: a test cluster needs no crash safety, and a loaded
	// 2-core machine spends its time on the tests instead.
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off "+
		"-c synchronous_commit=off -c full_page_writes=off -c max_connections=200", port, sock)
	if out, err := run(filepath.Join(bin, "pg_ctl"), "start", "-w", "-t", "120", "-D", data,
		"-l", filepath.Join(dir, "log"), "-o", opts); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		return fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, log)
	}
	cluster.baseURL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/", port)
	return nil
}

// stop stops the cluster (fast: sessions are ended) and removes its folder.
func stop() {
	if cluster.dir == "" {
		return
	}
	data := filepath.Join(cluster.dir, "data")
	if cluster.baseURL != "" {
		if out, err := run(filepath.Join(cluster.bin, "pg_ctl"), "stop", "-m", "fast", "-w", "-D", data); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: pg_ctl stop: %v\n%s\n", err, out)
		}
	}
	os.RemoveAll(cluster.dir)
}

// run runs a PostgreSQL program as the cluster's owner.
func run(prog string, args ...string) ([]byte, error) {
	var cmd *exec.Cmd
	if cluster.runAs != "" {
		cmd = exec.Command("runuser", append([]string{"-u", cluster.runAs, "--", prog}, args...)...)
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
