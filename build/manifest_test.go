package build

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip"
)

// TestManifestAfterTitleEdits: after each of a run of title edits, each
// rebuilt with the manifest patched from the previous one and rendered
// into the previous manifest's array (shorter and longer titles, so the
// array is sometimes too small), the manifest file lists the same pages
// as a full build of the same content, and Result.Manifest is that list.
func TestManifestAfterTitleEdits(t *testing.T) {
	ts := MustSite(t)
	b := MustBuilder(t, ts, nil)
	MustBuild(t, b)
	tip := ts.Path("countries/japan/tips/jr-pass.md")
	orig := MustRead(t, tip)
	for i, title := range []string{"Short", strings.Repeat("A much longer title ", 40), "<Rail & \"pass\">", "여행 팁", "Short again"} {
		MustWrite(t, tip, strings.Replace(orig, "title: Is the JR Pass still worth it?", fmt.Sprintf("title: %q", title), 1))
		res := MustRebuild(t, b, Changes{Files: []string{tip}})
		got := readManifest(t, ts.Out)
		if !reflect.DeepEqual(res.Manifest, got.Pages) {
			t.Fatalf("edit %d: Result.Manifest (%d pages) is not the manifest file's (%d)", i, len(res.Manifest), len(got.Pages))
		}
		full := filepath.Join(t.TempDir(), "public")
		MustBuild(t, MustBuilder(t, ts, func(c *Config) { c.OutDir = full }))
		if want := readManifest(t, full); !reflect.DeepEqual(got.Pages, want.Pages) {
			t.Fatalf("edit %d: the rebuilt manifest differs from a full build's:\ngot  %v\nwant %v", i, got.Pages, want.Pages)
		}
	}
}

func readManifest(t *testing.T, out string) beforetrip.Manifest {
	t.Helper()
	var m beforetrip.Manifest
	if err := json.Unmarshal([]byte(MustRead(t, filepath.Join(out, beforetrip.ManifestFile))), &m); err != nil {
		t.Fatal(err)
	}
	return m
}
