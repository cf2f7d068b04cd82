package build

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

// TestColdBuild: a build into an empty folder (with a crashed build's
// leftovers) stages the site out of sight and moves it into place; it
// publishes the same bytes as a file-by-file build over existing output,
// and the next process finds every file unchanged.
func TestColdBuild(t *testing.T) {
	ts := MustSite(t)
	MustWrite(t, filepath.Join(ts.Out, tmpPrefix+"stage-crashed", "index.html"), "half a site")
	res := MustBuild(t, MustBuilder(t, ts, nil))
	cold := contents(t, ts.Out)
	if len(res.Written) != len(cold)-1 || res.Unchanged != 0 { // all but the record file
		t.Errorf("cold build: %d written, %d unchanged; %d files on disk", len(res.Written), res.Unchanged, len(cold))
	}
	for _, want := range []string{"index.html", "countries/japan/index.html", "feed.xml", outputsFile} {
		if _, ok := cold[want]; !ok {
			t.Errorf("cold build lacks %s", want)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(ts.Out, tmpPrefix+"*")); len(left) != 0 {
		t.Errorf("staging leftovers: %v", left)
	}
	if again := MustBuild(t, MustBuilder(t, ts, nil)); len(again.Written) != 0 {
		t.Errorf("build after a cold build wrote %v", again.Written)
	}

	// The same site over a folder that holds someone else's file is
	// published file by file, and that file stays.
	ts2 := MustSite(t)
	MustWrite(t, filepath.Join(ts2.Out, "robots.txt"), "User-agent: *\n")
	MustBuild(t, MustBuilder(t, ts2, func(c *Config) { c.ContentDir = ts.Content }))
	warm := contents(t, ts2.Out)
	if warm["robots.txt"] != "User-agent: *\n" {
		t.Error("a file the builder did not write was lost")
	}
	delete(warm, "robots.txt")
	// The record file holds mtimes: compare it by its paths only; the
	// manifest says when it was built.
	built := regexp.MustCompile(`"built":"[^"]*"`)
	for _, m := range []map[string]string{cold, warm} {
		m[outputsFile] = strings.Join(slices.Sorted(maps.Keys(m)), "\n")
		m[".beforetrip-pages.json"] = built.ReplaceAllString(m[".beforetrip-pages.json"], "")
	}
	if !maps.Equal(cold, warm) {
		for p := range cold {
			if cold[p] != warm[p] {
				t.Errorf("%s differs between a cold and a file-by-file build", p)
			}
		}
		t.Errorf("cold build: %d files, file-by-file: %d", len(cold), len(warm))
	}
}

// contents maps every file under dir (slash paths relative to dir) to its
// bytes.
func contents(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestOlderRecordsKeepFiles: records written by a version that used
// another hash (SHA-256) carry no sum this version reads; the next build
// compares the bytes on disk and rewrites nothing.
func TestOlderRecordsKeepFiles(t *testing.T) {
	ts := MustSite(t)
	MustBuild(t, MustBuilder(t, ts, nil))
	rec := filepath.Join(ts.Out, outputsFile)
	MustWrite(t, rec, strings.ReplaceAll(MustRead(t, rec), `"xxh64":"`, `"sha256":"0`))
	file := filepath.Join(ts.Out, "countries/japan/index.html")
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(file, old, old); err != nil {
		t.Fatal(err)
	}
	res := MustBuild(t, MustBuilder(t, ts, nil))
	if len(res.Written) != 0 {
		t.Errorf("build over older records wrote %d files, e.g. %v", len(res.Written), res.Written[0])
	}
	if st, err := os.Stat(file); err != nil || !st.ModTime().Equal(old) {
		t.Errorf("unchanged file rewritten: %v %v", st.ModTime(), err)
	}
	if !strings.Contains(MustRead(t, rec), `"xxh64":"`) {
		t.Error("records not brought up to date")
	}
}

// TestWorkers: data-only rebuilds honour WithDataRebuildWorkers, file
// rebuilds and full builds use every core, and a cold build adds two for
// the time spent creating files.
func TestWorkers(t *testing.T) {
	cores := runtime.GOMAXPROCS(0)
	b := MustBuilder(t, MustSite(t), nil, WithDataRebuildWorkers(1))
	tests := []struct {
		name string
		bt   *batch
		want int
	}{
		{"check", nil, cores},
		{"full or file rebuild", &batch{}, cores},
		{"cold build", &batch{cold: &coldStage{}}, cores + 2},
		{"data-only rebuild", &batch{dataOnly: true}, 1},
	}
	for _, tt := range tests {
		if got := b.workers(tt.bt); got != tt.want {
			t.Errorf("%s: %d workers, want %d", tt.name, got, tt.want)
		}
	}
	if got := MustBuilder(t, MustSite(t), nil).workers(&batch{dataOnly: true}); got != cores {
		t.Errorf("data-only rebuild without a limit: %d workers, want %d", got, cores)
	}
}

// TestManifestPublishedLast: a rebuild that adds a page writes the page
// manifest after every other file, so the API (and a crash) never sees a
// listed page that is not on disk; a cold build moves it into place last.
func TestManifestPublishedLast(t *testing.T) {
	ts := MustSite(t)
	b := MustBuilder(t, ts, nil)
	MustBuild(t, b)
	tip := ts.Path("countries/japan/tips/onsen.md")
	MustWrite(t, tip, "---\ntitle: Onsen\ndate: 2025-04-01\ntags: [onsen]\n---\nWash first.\n")
	res := MustRebuild(t, b, Changes{Files: []string{tip}})
	if !slices.Contains(res.Written, beforetrip.ManifestFile) || !slices.IsSorted(res.Written) {
		t.Fatalf("Written = %v: want the manifest in it, sorted", res.Written)
	}
	mtime := func(p string) time.Time {
		st, err := os.Stat(filepath.Join(ts.Out, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		return st.ModTime()
	}
	last := mtime(beforetrip.ManifestFile)
	for _, p := range res.Written {
		if mtime(p).After(last) {
			t.Errorf("%s written after the manifest", p)
		}
	}

	dir := t.TempDir()
	for _, name := range []string{beforetrip.ManifestFile, "index.html", "countries", "feed.xml"} {
		if strings.Contains(name, ".") {
			MustWrite(t, filepath.Join(dir, name), "x")
		} else if err := os.Mkdir(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortStableFunc(entries, func(a, b os.DirEntry) int { return order(a) - order(b) })
	if got := entries[len(entries)-1].Name(); got != beforetrip.ManifestFile {
		t.Errorf("a cold build moves %s last, want the manifest", got)
	}
}

// TestColdStageIgnoresTheLock: the lock that `beforetrip build`, serve and
// api hold in the output folder before building does not make an empty
// folder look used (the first build would lose the cold path).
func TestColdStageIgnoresTheLock(t *testing.T) {
	out := t.TempDir()
	MustWrite(t, filepath.Join(out, LockFile), "beforetrip build (pid 1)\n")
	stage, err := newColdStage(out, 0)
	if err != nil || stage == nil {
		t.Fatalf("newColdStage with only the lock: %v, %v", stage, err)
	}
	_ = os.RemoveAll(stage.dir)
	MustWrite(t, filepath.Join(out, "robots.txt"), "x")
	if stage, err := newColdStage(out, 0); err != nil || stage != nil {
		t.Fatalf("newColdStage over someone's file: %v, %v", stage, err)
	}
}

// TestRecordsRewrittenOnlyWhenChanged: a build that changes nothing leaves
// .beforetrip-outputs.json alone (same file, same mtime), as every other
// output; before, each full build rewrote it and rsync saw a change.
func TestRecordsRewrittenOnlyWhenChanged(t *testing.T) {
	ts := MustSite(t)
	MustBuild(t, MustBuilder(t, ts, nil))
	rec := filepath.Join(ts.Out, outputsFile)
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(rec, old, old); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(rec)
	if err != nil {
		t.Fatal(err)
	}
	MustBuild(t, MustBuilder(t, ts, nil))
	after, err := os.Stat(rec)
	if err != nil {
		t.Fatal(err)
	}
	if !after.ModTime().Equal(old) || !os.SameFile(before, after) {
		t.Errorf("records rewritten by a build that changed nothing: mtime %v, same file %v", after.ModTime(), os.SameFile(before, after))
	}
}
