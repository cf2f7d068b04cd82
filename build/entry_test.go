package build

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestEntryErrors: entry rules, sources, changes and lang are checked like
// the rest of the checklist, each problem named by file, line and field.
func TestEntryErrors(t *testing.T) {
	const kr = "  KR:\n    rule: \"Visa-free for tourism.\"\n"
	tests := []struct {
		name, data string
		line       int
		field, msg string
	}{
		{"unknown passport code", countryWith("  US:\n", "  UK:\n"), 31, "entry.UK", `unknown passport "UK"`},
		{"lower-case passport code", countryWith("  US:\n", "  us:\n"), 31, "entry.us", "unknown passport"},
		{"rule without source", countryWith(`    source: "https://www.mofa.go.jp/j_info/visit/visa/short/novisa.html"
    checked: 2024-11-02
`, "    checked: 2024-11-02\n"), 26, "entry.KR.source", "required"},
		{"source not a URL", countryWith(`source: "https://www.mofa.go.jp/j_info/visit/visa/short/novisa.html"
    checked`, "source: \"www.mofa.go.jp/visa\"\n    checked"), 28, "entry.KR.source", "must start with https://"},
		{"source javascript", countryWith(`source: "https://www.mofa.go.jp/j_info/visit/visa/short/novisa.html"
    checked`, "source: \"javascript:alert(1)\"\n    checked"), 28, "entry.KR.source", "must start with https://"},
		{"rule missing", countryWith(kr, "  KR:\n"), 26, "entry.KR.rule", "required"},
		{"unknown rule field", countryWith(kr, kr+"    visa: yes\n"), 27, "entry.KR.visa", "unknown field"},
		{"bad checked date", countryWith("checked: 2024-11-02", "checked: last week"), 29, "entry.KR.checked", "must be a date"},
		{"eta without link", countryWith(`, url: "https://www.mofa.go.jp/j_info/visit/visa/index.html"}`, "}"), 42, "entry.default.eta.url", "required"},
		{"eta bad link", countryWith(`url: "https://www.mofa.go.jp/j_info/visit/visa/index.html"}`, `url: "ftp://mofa.go.jp/x"}`), 42, "entry.default.eta.url", "https://"},
		{"eta neither a mapping nor none", countryWith(kr, kr+"    eta: no\n"), 27, "entry.KR.eta", "or none"},
		{"no default rule", countryWith("  default:\n", "  CN:\n"), 25, "entry.default", "required"},
		{"entry not a mapping", countryWith("entry:\n", "entry: [KR]\nx:\n"), 24, "entry", "mapping"},
		{"source of an unknown field", countryWith("sources:\n", "sources:\n  viza: \"https://example.org/x\"\n"), 44, "sources.viza", "unknown field"},
		{"source bad URL", countryWith(`visa: "https://www.mofa.go.jp/j_info/visit/visa/short/novisa.html"`, `visa: "mofa"`), 44, "sources.visa", "https://"},
		{"change without text", countryWith(`, text: "Arrival card moved online (Visit Japan Web)."}`, "}"), 48, "changes[0].text", "required"},
		{"change without date", countryWith("{date: 2025-01-05, text", "{text"), 49, "changes[1].date", "required"},
		{"changes not a list", countryWith("changes:\n", "changes: soon\nx:\n"), 47, "changes", "list"},
		{"bad lang", countryWith("name_ko: 일본", "lang: korean"), 21, "lang", "language tag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := MustSite(t)
			MustWrite(t, ts.Path("countries/japan/_index.md"), tt.data)
			err := MustBuildError(t, MustBuilder(t, ts, nil))
			want := "content/countries/japan/_index.md"
			for _, e := range err {
				if e.File == want && e.Line == tt.line && e.Field == tt.field && strings.Contains(e.Msg, tt.msg) {
					return
				}
			}
			t.Errorf("errors:\n%v\nwant %s:%d field %q with %q", err, want, tt.line, tt.field, tt.msg)
		})
	}
}

// TestEntryRead: rules in file order with default last, sources with
// their hosts, changes newest first, the oldest checked date.
func TestEntryRead(t *testing.T) {
	ts := MustSite(t)
	b := MustBuilder(t, ts, nil)
	p, errs := b.loadFile(ts.Path("countries/japan/_index.md"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	c := p.Checklist
	var keys []string
	for _, e := range c.Entry {
		keys = append(keys, e.Passport)
	}
	if got, want := strings.Join(keys, " "), "KR US EU default"; got != want {
		t.Errorf("passports = %q, want %q", got, want)
	}
	if r := c.Rule("GB"); r == nil || r.Passport != "default" {
		t.Errorf("Rule(GB) = %+v, want the default rule", r)
	}
	if r := c.Rule("KR"); r == nil || r.Stay != "90 days" || r.Source.Host != "mofa.go.jp" {
		t.Errorf("Rule(KR) = %+v", r)
	}
	if r := c.Rule("KR"); !r.NoETA || c.Rule("US").NoETA {
		t.Errorf("eta: none not read: KR %v, US %v", r.NoETA, c.Rule("US").NoETA)
	}
	if c.Rule("default").ETA == nil || c.Rule("default").ETA.Name != "Visa application" {
		t.Errorf("default rule lost its e-authorisation: %+v", c.Rule("default"))
	}
	if got := c.Sources["plugs"]; got.Host != "japan.travel" || got.Checked.Format(time.DateOnly) != "2024-12-20" {
		t.Errorf("sources.plugs = %+v", got)
	}
	if len(c.Changes) != 2 || c.Changes[0].Date.Format(time.DateOnly) != "2025-01-05" {
		t.Errorf("changes not newest first: %+v", c.Changes)
	}
	if got := p.StaleChecked().Format(time.DateOnly); got != "2024-11-02" {
		t.Errorf("StaleChecked = %s, want the KR rule's 2024-11-02", got)
	}
	p.Date = c.Checked
	if !p.StaleChecked().IsZero() {
		t.Errorf("StaleChecked when nothing is older than the country's date: %v", p.StaleChecked())
	}
}

// TestCardWithoutJS: the card as served, read without JavaScript: entry
// comes first, every rule is in a <details> open to anyone, the select
// that needs the script is hidden, the default rule is shown, no inline
// script or style (the production CSP allows neither), and the passport
// script loads from a fingerprinted file.
func TestCardWithoutJS(t *testing.T) {
	ts := MustSite(t)
	MustBuild(t, MustBuilder(t, ts, nil))
	page := MustRead(t, filepath.Join(ts.Out, "countries/japan/index.html"))
	card := page[strings.Index(page, `<section class="checklist"`):]
	card = card[:strings.Index(card, "</section>")]
	order := []string{"<h3>Entry</h3>", "<dt>Visa</dt>", "<dt>Passport validity</dt>", "<dt>Arrival card</dt>",
		"<h3>Money</h3>", "<dt>Currency</dt>", "<h3>Power</h3>", "<dt>Plugs</dt>", "<h3>Connectivity</h3>",
		"<h3>Safety</h3>", "<dt>Emergency numbers</dt>", `<h3 class="cl-more">More about the country</h3>`, "<dt>Native name</dt>",
		"<h3>Recent changes</h3>"}
	at := 0
	for _, s := range order {
		i := strings.Index(card[at:], s)
		if i < 0 {
			t.Fatalf("card lacks %q after position %d", s, at)
		}
		at += i
	}
	details := card[strings.Index(card, "<details"):strings.Index(card, "</details>")]
	for _, p := range []string{"KR", "US", "EU", "default"} {
		if !strings.Contains(details, `data-passport="`+p+`"`) {
			t.Errorf("<details> lacks the %s rule", p)
		}
	}
	for _, want := range []string{`<p class="passport-pick" hidden>`,
		`<div class="entry-picked" aria-live="polite"><div class="entry-rule" data-passport="default">`,
		`<option value="default" selected>Other passports</option>`,
		`<a class="src" href="https://www.mofa.go.jp/j_info/visit/visa/short/novisa.html" rel="external">Source: mofa.go.jp</a>`,
		`Some of this was last checked on <time datetime="2024-11-02">November 2, 2024</time>.`,
		`<time datetime="2025-01-05">January 5, 2025</time> — Checked the visa rules: nothing changed.`} {
		if !strings.Contains(card, want) {
			t.Errorf("card lacks %s", want)
		}
	}
	for _, bad := range []string{"<script>", "style=", " onclick", " onchange"} {
		if strings.Contains(page, bad) {
			t.Errorf("page has inline %q: the production CSP blocks it", bad)
		}
	}
	if !strings.Contains(page, `<script src="/js/passport.`) {
		t.Errorf("country page does not load js/passport.<hash>.js")
	}
	if tip := MustRead(t, filepath.Join(ts.Out, "countries/japan/tips/jr-pass/index.html")); strings.Contains(tip, "passport.") {
		t.Errorf("the passport script loads outside country pages")
	}
}

// TestCardGolden renders the checklist card of the fixture's Japan for two
// passports (as the passport script shows it after a pick) in the English
// build, and as the ko build serves it (KR preselected), and compares them
// with testdata/card. Run "go test ./build -run CardGolden -update" after
// an intended change and review the diff.
func TestCardGolden(t *testing.T) {
	for _, tc := range []struct{ lang, passport, want string }{
		{"en", "KR", "KR"}, {"en", "US", "US"}, {"en", "GB", "default"}, {"ko", "", "KR"},
	} {
		name := tc.lang + "-" + tc.want
		t.Run(name, func(t *testing.T) {
			ts := MustSite(t)
			b := MustBuilder(t, ts, func(c *Config) { c.Language = tc.lang })
			MustBuild(t, b)
			r := b.newRenderer(b.site, b.theme)
			v, err := r.pageView(b.site.outputs[pagePath("countries/japan")])
			if err != nil {
				t.Fatal(err)
			}
			if tc.passport != "" {
				v.Passport = v.Page.Checklist.Rule(tc.passport).Passport
			}
			if v.Passport != tc.want {
				t.Fatalf("passport %q shows the %q rule, want %q", tc.passport, v.Passport, tc.want)
			}
			var buf strings.Builder
			if err := b.theme.base.Lookup("checklist.html").Execute(&buf, v); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join("testdata", "card", "japan."+name+".html")
			if *update {
				MustWrite(t, file, buf.String())
				return
			}
			if got, want := buf.String(), MustRead(t, file); got != want {
				t.Errorf("card differs from %s (run with -update if intended)\n%s", file, firstDiff(got, want))
			}
		})
	}
}
