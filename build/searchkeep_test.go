package build

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/search"
)

// sumWords are the terms of the doc TestCanonicalSumAcrossProcesses hashes.
var sumWords = []string{"zebra-q1", "apple-q2", "mango-q3", "kiwi-q4", "fig-q5", "date-q6"}

// TestCanonicalSumAcrossProcesses: a doc's canonicalSum, part of the key
// that lets a restart keep the published index, is the same in two
// processes whose term tables gave the doc's terms their IDs in other
// orders (the render cache's encoding of it is not: its terms follow the
// IDs). A sum that differed would make a restart never keep the index.
func TestCanonicalSumAcrossProcesses(t *testing.T) {
	if order := os.Getenv("BT_SUM_ORDER"); order != "" {
		words := slices.Clone(sumWords)
		if order == "reverse" {
			slices.Reverse(words)
		}
		fields := make([]search.Field, len(words))
		for _, w := range words { // interned one by one: IDs in this order
			search.Doc{ID: "warm"}.WithTerms([]string{w}, fields[:1])
		}
		doc := search.Doc{ID: "a", Title: "A", Text: "a page"}.WithTerms(sumWords, fields)
		os.Stdout.WriteString(strconv.FormatUint(canonicalSum(doc), 16) + " " +
			strconv.FormatUint(encodedDocSum(&pageSearch{doc: doc}), 16) + "\n")
		return
	}
	sums := map[string][]string{}
	for _, order := range []string{"forward", "reverse"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCanonicalSumAcrossProcesses$")
		cmd.Env = append(os.Environ(), "BT_SUM_ORDER="+order)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v", order, err)
		}
		sums[order] = strings.Fields(strings.SplitN(string(out), "\n", 2)[0])
	}
	f, r := sums["forward"], sums["reverse"]
	if len(f) != 2 || len(r) != 2 {
		t.Fatalf("helper printed %q and %q", f, r)
	}
	if f[0] != r[0] {
		t.Errorf("canonicalSum %s in one process, %s in the other", f[0], r[0])
	}
	if f[1] == r[1] {
		t.Errorf("the encoded docs hash the same (%s): the test no longer shows the term order differs", f[1])
	}
}

// TestRestartRepublishesEmptiedFiles: a published file emptied since (a
// shard of the search index, a tip's page) is not kept by a restart,
// whose record says it holds other bytes: keeping a file without its
// bytes at hand trusts only the record's size and mtime, never an empty
// file's comparison with no bytes.
func TestRestartRepublishesEmptiedFiles(t *testing.T) {
	ts := MustSite(t)
	MustBuild(t, MustBuilder(t, ts, nil))
	MustBuild(t, MustBuilder(t, ts, nil)) // the render cache's entries rendered, the index recorded
	shards, err := search.EntryFiles([]byte(MustRead(t, filepath.Join(ts.Out, search.EntryPath))))
	if err != nil || len(shards) == 0 {
		t.Fatalf("shards %v: %v", shards, err)
	}
	want := snapshotBytes(t, ts.Out)
	for _, p := range []string{filepath.Join(search.Dir, shards[0]), pagePath("countries/japan/tips/jr-pass")} {
		if want[p] == "" {
			t.Fatalf("%s: not published", p)
		}
		MustWrite(t, filepath.Join(ts.Out, p), "")
	}
	MustBuild(t, MustBuilder(t, ts, nil))
	got := snapshotBytes(t, ts.Out)
	for p, w := range want {
		if p != outputsFile && p != beforetrip.ManifestFile && got[p] != w {
			t.Errorf("%s: %d bytes after the restart, want %d", p, len(got[p]), len(w))
		}
	}
}

// TestRestartAfterColdBuildKeepsIndex: a cold build (an empty output
// folder: nothing published to keep) computes its index key last, from
// the docs' sums its render cache's save takes; a restart over the same
// content computes the key from the cache it reads and must find it the
// same, keeping the index as published.
func TestRestartAfterColdBuildKeepsIndex(t *testing.T) {
	ts := MustSite(t)
	if res := MustBuild(t, MustBuilder(t, ts, nil)); res.IndexKept {
		t.Fatal("a cold build kept an index")
	}
	want := snapshotBytes(t, ts.Out)
	if res := MustBuild(t, MustBuilder(t, ts, nil)); !res.IndexKept {
		t.Fatal("the restart after a cold build built the search index again")
	}
	got := snapshotBytes(t, ts.Out)
	for p, w := range want {
		if p != outputsFile && p != beforetrip.ManifestFile && got[p] != w {
			t.Errorf("%s differs after the restart", p)
		}
	}
}
