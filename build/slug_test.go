package build

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// TestSlugsAreNFC: a file, a front matter slug and a tag named 교통 give
// one slug, one page ID and one URL whether the name is composed (NFC, as
// typed on Linux) or decomposed (NFD, as macOS stores file names).
func TestSlugsAreNFC(t *testing.T) {
	const word = "교통"
	nfc, nfd := norm.NFC.String(word), norm.NFD.String(word)
	if nfc == nfd {
		t.Fatal("test word has one form only")
	}
	tip := func(title, tag string) string {
		return "---\ntitle: " + title + "\ndate: 2025-01-01\ntags: [\"" + tag + "\"]\n---\nBody.\n"
	}
	t.Run("file name", func(t *testing.T) {
		ts := MustSite(t)
		MustWrite(t, ts.Path("countries/japan/tips/"+nfd+".md"), tip("Decomposed", nfd))
		MustWrite(t, ts.Path("countries/japan/tips/other.md"), tip("Composed tag", nfc))
		MustBuild(t, MustBuilder(t, ts, nil))
		if _, err := os.Stat(filepath.Join(ts.Out, "countries/japan/tips", nfc, "index.html")); err != nil {
			t.Errorf("page of the decomposed file name not at its composed URL: %v", err)
		}
		if _, err := os.Stat(filepath.Join(ts.Out, "countries/japan/tips", nfd)); err == nil {
			t.Error("a decomposed output folder exists")
		}
		tags, err := os.ReadDir(filepath.Join(ts.Out, "tags"))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, d := range tags {
			if strings.Contains(norm.NFC.String(d.Name()), nfc) {
				names = append(names, d.Name())
			}
		}
		if len(names) != 1 || names[0] != nfc {
			t.Errorf("tag folders %+q, want one, %+q", names, nfc)
		}
		page := MustRead(t, filepath.Join(ts.Out, "tags", nfc, "index.html"))
		if !strings.Contains(page, "Decomposed") || !strings.Contains(page, "Composed tag") {
			t.Error("the tag page does not list both pages")
		}
	})
	t.Run("both forms are one page", func(t *testing.T) {
		ts := MustSite(t)
		MustWrite(t, ts.Path("countries/japan/tips/"+nfd+".md"), tip("Decomposed", "rail"))
		MustWrite(t, ts.Path("countries/japan/tips/"+nfc+".md"), tip("Composed", "rail"))
		errs := MustBuildError(t, MustBuilder(t, ts, nil))
		if !strings.Contains(errs.Error(), "already used by") {
			t.Errorf("errors: %v, want a duplicate page ID", errs)
		}
	})
	t.Run("front matter slug", func(t *testing.T) {
		ts := MustSite(t)
		MustWrite(t, ts.Path("countries/japan/tips/x.md"),
			"---\ntitle: X\ndate: 2025-01-01\nslug: \""+nfd+"\"\n---\nBody.\n")
		MustBuild(t, MustBuilder(t, ts, nil))
		if _, err := os.Stat(filepath.Join(ts.Out, "countries/japan/tips", nfc, "index.html")); err != nil {
			t.Errorf("decomposed slug: page not at its composed URL: %v", err)
		}
	})
}
