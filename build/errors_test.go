package build

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

const validTip = "---\ntitle: T\ndate: 2025-01-01\n---\nBody.\n"

func TestContentErrors(t *testing.T) {
	bomb := "---\ntitle: T\ndate: 2025-01-01\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n---\n"
	tests := []struct {
		name, file, data string
		line             int
		field, msg       string
	}{
		{"missing title", "countries/japan/tips/a.md", "---\ndate: 2025-01-01\n---\n", 2, "title", "required"},
		{"missing date", "countries/japan/tips/a.md", "---\ntitle: A\n---\n", 2, "date", "required"},
		{"bad date", "countries/japan/tips/a.md", "---\ntitle: A\ndate: yesterday\n---\n", 3, "date", "must be a date"},
		{"title is a list", "countries/japan/tips/a.md", "---\ndate: 2025-01-01\ntitle: [a, b]\n---\n", 3, "title", "single value"},
		{"tags not a list", "countries/japan/tips/a.md", "---\ntitle: A\ndate: 2025-01-01\ntags: rail\n---\n", 4, "tags", "must be a list"},
		{"draft not bool", "countries/japan/tips/a.md", "---\ntitle: A\ndate: 2025-01-01\ndraft: maybe\n---\n", 4, "draft", "true or false"},
		{"weight not int", "countries/japan/tips/a.md", "---\ntitle: A\ndate: 2025-01-01\nweight: heavy\n---\n", 4, "weight", "whole number"},
		{"rating missing", "countries/japan/reviews/a.md", "---\ntitle: A\ndate: 2025-01-01\n---\n", 2, "rating", "required"},
		{"rating out of range", "countries/japan/reviews/a.md", "---\ntitle: A\ndate: 2025-01-01\nrating: 6\n---\n", 4, "rating", "1 to 5"},
		{"rating not int", "countries/japan/reviews/a.md", "---\ntitle: A\ndate: 2025-01-01\nrating: five\n---\n", 4, "rating", "whole number"},
		{"unknown field", "countries/japan/tips/a.md", "---\ntitle: A\ndate: 2025-01-01\ntilte: B\n---\n", 4, "tilte", "unknown field"},
		{"bad YAML", "countries/japan/tips/a.md", "---\ntitle: A\ndate: 2025-01-01\nsummary: a: b\n---\n", 4, "", "invalid YAML at `summary: a: b`"},
		// yaml.v3 notices these lines later or earlier than they start.
		{"unclosed quote on the first line", "countries/japan/tips/a.md", "---\ntitle: \"Unclosed\ndate: 2025-01-01\nsummary: x\n---\n", 2, "", "invalid YAML at `title: \"Unclosed`: found unexpected end of stream"},
		{"unclosed quote", "countries/japan/tips/a.md", "---\ndate: 2025-01-01\ntitle: 'Unclosed\nsummary: x\n---\n", 3, "", "invalid YAML at `title: 'Unclosed`"},
		{"unclosed list", "countries/japan/tips/a.md", "---\ntitle: A\ntags: [a, b\ndate: 2025-01-01\n---\n", 3, "", "invalid YAML at `tags: [a, b`"},
		{"unclosed mapping", "countries/japan/tips/a.md", "---\ntitle: A\ndate: {a: 1\n---\n", 3, "", "invalid YAML at `date: {a: 1`"},
		{"after a quoted value on two lines", "countries/japan/tips/a.md", "---\ntitle: \"A\n  long\"\ndate: 2025-01-01\nsummary: a: b\n---\n", 5, "", "invalid YAML at `summary: a: b`"},
		{"no front matter", "countries/japan/tips/a.md", "Just text.\n", 1, "", "front matter missing"},
		{"unclosed front matter", "countries/japan/tips/a.md", "---\ntitle: A\n", 1, "", "not closed"},
		{"alias bomb", "countries/japan/tips/a.md", bomb, 4, "", "anchors and aliases"},
		{"too large", "countries/japan/tips/a.md", "---\ntitle: A\ndate: 2025-01-01\nsummary: " + strings.Repeat("x", 70<<10) + "\n---\n", 1, "", "64 KiB"},
		{"unknown country", "countries/atlantis/tips/a.md", validTip, 1, "", "unknown country"},
		{"unknown place", "countries/japan/notes/a.md", validTip, 1, "", "not part of the content model"},
		{"stray file", "countries/japan/notes.txt", "notes", 1, "", "not part of the content model"},
		{"image outside a page folder", "countries/japan/tips/photo.jpg", "jpeg", 1, "", "must be in the folder of the page that shows it"},
		{"review slug u-", "countries/japan/reviews/u-1.md", "---\ntitle: A\ndate: 2025-01-01\nrating: 3\n---\n", 1, "slug", `must not start with "u-"`},
		{"title with bidi control", "countries/japan/tips/a.md", "---\ntitle: \"Kyoto \\u202egpj.exe\"\ndate: 2025-01-01\n---\n", 2, "title", "U+202E"},
		{"title with zero-width space", "countries/japan/tips/a.md", "---\ndate: 2025-01-01\ntitle: \"Ky\\u200Boto\"\n---\n", 3, "title", "U+200B"},
		{"bad slug", "countries/japan/tips/Bad Name.md", validTip, 1, "slug", "not a valid slug"},
		{"duplicate ID", "countries/japan/tips/zzz.md", "---\ntitle: A\ndate: 2025-01-01\nslug: jr-pass\n---\n", 1, "slug", "already used by content/countries/japan/tips/jr-pass.md"},
		{"country enum", "countries/japan/_index.md", countryWith("tap_water: safe", "tap_water: sometimes"), 16, "tap_water", "must be one of safe, varies, unsafe"},
		{"country missing visa", "countries/japan/_index.md", countryWith("visa: \"90 days visa-free for many passports.\"\n", ""), 2, "visa", "required"},
		{"country plug", "countries/japan/_index.md", countryWith("plugs: [A, B]", "plugs: [A, Z]"), 10, "plugs", "A–O"},
		{"country currency code", "countries/japan/_index.md", countryWith("code: JPY", "code: yen"), 8, "currency.code", "3 upper-case"},
		{"country continent", "countries/japan/_index.md", countryWith("continent: Asia", "continent: Atlantis"), 5, "continent", "must be one of"},
		{"country police", "countries/japan/_index.md", countryWith(`police: "110", `, ""), 13, "emergency.police", "required"},
		{"country emergency number", "countries/japan/_index.md", countryWith(`police: "110"`, `police: "call us"`), 13, "emergency.police", "phone number"},
		{"page missing title", "pages/terms.md", "---\nfooter: true\n---\nText.\n", 2, "title", "required"},
		{"page footer not bool", "pages/terms.md", "---\ntitle: Terms\nfooter: yes please\n---\n", 3, "footer", "true or false"},
		{"page with tags", "pages/terms.md", "---\ntitle: Terms\ntags: [x]\n---\n", 3, "tags", "unknown field"},
		{"page bad YAML", "pages/privacy.ko.md", "---\ntitle: A\nsummary: a: b\n---\n", 3, "", "invalid YAML at `summary: a: b`"},
		{"page takes a site path", "pages/countries.md", "---\ntitle: C\n---\n", 1, "slug", "the site uses this path"},
		{"page bad slug", "pages/Terms.md", "---\ntitle: T\n---\n", 1, "slug", "not a valid slug"},
		{"page unknown language", "pages/terms.fr.md", "---\ntitle: T\n---\n", 1, "", "translation is pages/<slug>.<language>.md"},
		{"page in a folder", "pages/legal/terms.md", "---\ntitle: T\n---\n", 1, "", "not part of the content model"},
		{"country languages empty", "countries/japan/_index.md", countryWith("languages: [Japanese]", "languages: []"), 7, "languages", "must not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := MustSite(t)
			MustWrite(t, ts.Path(tt.file), tt.data)
			b := MustBuilder(t, ts, nil)
			_, err := b.Build(context.Background())
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("err = %v, want Errors", err)
			}
			want := "content/" + tt.file
			for _, e := range errs {
				if e.File == want && e.Line == tt.line && e.Field == tt.field && strings.Contains(e.Msg, tt.msg) {
					return
				}
			}
			t.Errorf("errors:\n%v\nwant %s:%d field %q with %q", err, want, tt.line, tt.field, tt.msg)
		})
	}
}

// countryWith returns the fixture's Japan _index.md with one replacement.
func countryWith(old, new string) string {
	data, err := os.ReadFile("testdata/site/content/countries/japan/_index.md")
	if err != nil {
		panic(err)
	}
	return strings.Replace(string(data), old, new, 1)
}

func TestAllErrorsInOneRun(t *testing.T) {
	ts := MustSite(t)
	MustWrite(t, ts.Path("countries/japan/tips/a.md"), "---\ndate: 2025-01-01\n---\n")
	MustWrite(t, ts.Path("countries/japan/reviews/b.md"), "---\ntitle: B\ndate: nope\nrating: 9\n---\n")
	MustWrite(t, ts.Path("countries/atlantis/tips/c.md"), validTip)
	_, err := MustBuilder(t, ts, nil).Build(context.Background())
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("err = %v, want Errors", err)
	}
	if len(errs) != 4 {
		t.Errorf("got %d errors, want 4 (title; date, rating; unknown country):\n%v", len(errs), err)
	}
	if got, want := errs[0].Error(), "content/countries/atlantis/tips/c.md:1: unknown country \"atlantis\": there is no countries/atlantis/_index.md"; got != want {
		t.Errorf("first error = %q, want %q (sorted by file)", got, want)
	}
	if entries, _ := os.ReadDir(ts.Out); len(entries) != 0 {
		t.Errorf("output written despite errors")
	}
}

func TestFileErrorFormat(t *testing.T) {
	e := &FileError{File: "content/countries/japan/_index.md", Line: 3, Field: "visa", Msg: "required"}
	if got, want := e.Error(), "content/countries/japan/_index.md:3: field visa: required"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
