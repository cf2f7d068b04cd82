package build

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/beforetrip/beforetrip"
)

// EntryRule is how holders of one passport get in: the country's
// `entry:` front matter, one per passport key.
type EntryRule struct {
	Passport string // ISO 3166 alpha-2, "EU" or "default"
	Rule     string
	Stay     string // allowed stay, e.g. "90 days in any 180"; optional
	ETA      *ETA   // the e-authorisation to get before flying, if one is needed
	NoETA    bool   // `eta: none`: the rule says that no e-authorisation is needed
	Source   Source // the official page that states the rule
}

// ETA is an electronic travel authorisation (K-ETA, ESTA, UK ETA…).
type ETA struct {
	Name, Price string
	URL         string
}

// Source is an official page that backs a checklist field, and when an
// editor last checked the field against it.
type Source struct {
	URL     string
	Host    string    // shown as the link text: "www.gov.uk"
	Checked time.Time // zero: checked with the country (its date)
}

// Change is one line of a country's "what changed" history.
type Change struct {
	Date time.Time
	Text string
}

// sourceFields are the checklist fields `sources:` may back.
var sourceFields = []string{"visa", "passport_validity", "arrival_card", "currency", "tipping", "plugs", "voltage",
	"sim", "emergency", "tap_water", "driving_side", "timezone", "languages", "capital", "best_time"}

// passportError explains an unknown passport key.
const passportError = "unknown passport %q: use an upper-case ISO 3166 alpha-2 code (KR, US, GB, JP, CN…), EU or default"

// readEntry reads `entry:`, a mapping from passport keys to rules. A
// country that has rules must have a default one: every reader finds a rule.
func readEntry(r *fieldReader) []EntryRule {
	n := r.values["entry"]
	if n == nil {
		return nil
	}
	m, ok := subMap(r, n, "entry")
	if !ok {
		return nil
	}
	var out []EntryRule
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i]
		if m[key.Value] != n.Content[i+1] {
			continue // given twice: reported by subMap
		}
		field := "entry." + key.Value
		if !beforetrip.ValidPassport(key.Value) {
			r.errAt(key, field, passportError, key.Value)
			continue
		}
		sub, ok := subMap(r, n.Content[i+1], field, "rule", "stay", "eta", "source", "checked")
		if !ok {
			continue
		}
		e := EntryRule{Passport: key.Value,
			Rule: r.nodeStr(sub["rule"], n.Content[i+1], field+".rule", true),
			Stay: r.nodeStr(sub["stay"], n.Content[i+1], field+".stay", false)}
		e.Source.URL = r.nodeURL(sub["source"], n.Content[i+1], field+".source", true)
		e.Source.Host = hostOf(e.Source.URL)
		e.Source.Checked = r.nodeDate(sub["checked"], field+".checked")
		if v := sub["eta"]; v != nil && v.Kind == yaml.ScalarNode {
			// A rule says "none" outright: an absent eta says nothing,
			// e.g. for passports that need a visa instead.
			if e.NoETA = v.Value == "none"; !e.NoETA {
				r.errAt(v, field+".eta", `must be {name, price, url} or none, got %q`, v.Value)
			}
		} else if v != nil {
			e.ETA = readETA(r, v, field+".eta")
		}
		out = append(out, e)
	}
	isDefault := func(e EntryRule) bool { return e.Passport == beforetrip.PassportDefault }
	i := slices.IndexFunc(out, isDefault)
	if len(out) > 0 && i < 0 {
		r.errAt(n, "entry.default", "required: the rule for every other passport")
	}
	if i >= 0 {
		// "Other passports" closes the select, wherever the file has it.
		d := out[i]
		out = append(slices.Delete(out, i, i+1), d)
	}
	return out
}

func readETA(r *fieldReader, n *yaml.Node, field string) *ETA {
	sub, ok := subMap(r, n, field, "name", "price", "url")
	if !ok {
		return nil
	}
	return &ETA{Name: r.nodeStr(sub["name"], n, field+".name", true),
		Price: r.nodeStr(sub["price"], n, field+".price", false),
		URL:   r.nodeURL(sub["url"], n, field+".url", true)}
}

// readSources reads `sources:`: for each checklist field, the URL of its
// official source, or {url, checked} (either may be left out).
func readSources(r *fieldReader) map[string]Source {
	n := r.values["sources"]
	if n == nil {
		return nil
	}
	m, ok := subMap(r, n, "sources", sourceFields...)
	if !ok {
		return nil
	}
	out := make(map[string]Source, len(m))
	for k, v := range m {
		field := "sources." + k
		var s Source
		if v.Kind == yaml.MappingNode {
			sub, ok := subMap(r, v, field, "url", "checked")
			if !ok {
				continue
			}
			s.URL = r.nodeURL(sub["url"], v, field+".url", false)
			s.Checked = r.nodeDate(sub["checked"], field+".checked")
		} else {
			s.URL = r.nodeURL(v, n, field, true)
		}
		s.Host = hostOf(s.URL)
		out[k] = s
	}
	return out
}

// readChanges reads `changes:`, a list of {date, text}, and returns it
// newest first (file order among the same date).
func readChanges(r *fieldReader) []Change {
	n := r.values["changes"]
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		r.errAt(n, "changes", "must be a list of {date, text}")
		return nil
	}
	var out []Change
	for i, c := range n.Content {
		field := fmt.Sprintf("changes[%d]", i)
		sub, ok := subMap(r, c, field, "date", "text")
		if !ok {
			continue
		}
		ch := Change{Date: r.nodeDate(sub["date"], field+".date"), Text: r.nodeStr(sub["text"], c, field+".text", true)}
		if sub["date"] == nil {
			r.errAt(c, field+".date", "required")
		}
		out = append(out, ch)
	}
	slices.SortStableFunc(out, func(a, b Change) int { return b.Date.Compare(a.Date) })
	return out
}

// oldestChecked is the oldest per-field checked date of a checklist, zero
// when no field has one.
func oldestChecked(c *Checklist) time.Time {
	var oldest time.Time
	see := func(t time.Time) {
		if !t.IsZero() && (oldest.IsZero() || t.Before(oldest)) {
			oldest = t
		}
	}
	for _, e := range c.Entry {
		see(e.Source.Checked)
	}
	for _, s := range c.Sources {
		see(s.Checked)
	}
	return oldest
}

// nodeStr reads a string inside a nested mapping; parent is where a
// missing value is reported.
func (r *fieldReader) nodeStr(n, parent *yaml.Node, field string, required bool) string {
	if n == nil {
		if required {
			r.errAt(parent, field, "required")
		}
		return ""
	}
	s, ok := r.scalar(n, field)
	if !ok {
		return ""
	}
	if n.Tag == "!!bool" {
		r.errAt(n, field, "must be text, not true/false")
		return ""
	}
	s = strings.TrimSpace(s)
	if s == "" && required {
		r.errAt(n, field, "must not be empty")
	}
	return s
}

// nodeURL reads the link to an official source (beforetrip.CheckSourceURL).
func (r *fieldReader) nodeURL(n, parent *yaml.Node, field string, required bool) string {
	s := r.nodeStr(n, parent, field, required)
	if s == "" {
		return ""
	}
	if msg := beforetrip.CheckSourceURL(s); msg != "" {
		r.errAt(n, field, "%s, got %q", msg, s)
		return ""
	}
	return s
}

// hostOf is the host a source link shows, without "www.".
func hostOf(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(u.Hostname(), "www.")
}
