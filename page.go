package beforetrip

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Page kinds, as recorded in the manifest.
const (
	KindHome         = "home"
	KindCountry      = "country"
	KindTip          = "tip"
	KindReview       = "review"        // editorial review (Markdown file)
	KindReaderReview = "reader-review" // reader review (store)
	KindList         = "list"          // section lists, country lists
	KindTag          = "tag"
	KindPopular      = "popular"
	KindPage         = "page" // a page of its own: content/pages/<slug>.md at /<slug>/ (about, privacy)
)

// Sections of a country that hold pages.
const (
	SectionTips    = "tips"
	SectionReviews = "reviews"
)

// ManifestFile is the name, inside the output folder, of the page-ID manifest
// the builder writes and the API reads to accept only real pages. The leading
// dot keeps it out of nginx (deploy/nginx.conf denies dotfiles).
const ManifestFile = ".beforetrip-pages.json"

// PageMeta describes one built page: enough for the API to validate page IDs
// and to show popular lists without reading the content.
type PageMeta struct {
	ID      string    `json:"id"`
	Kind    string    `json:"kind"`
	Title   string    `json:"title"`
	URL     string    `json:"url"` // site-relative, e.g. "/countries/japan/"
	Section string    `json:"section,omitempty"`
	Country string    `json:"country,omitempty"`
	Date    time.Time `json:"date,omitzero"`
}

// Manifest is the JSON document stored in ManifestFile.
type Manifest struct {
	Version int        `json:"version"`
	Built   time.Time  `json:"built"`
	Pages   []PageMeta `json:"pages"`
}

// ManifestVersion is the current Manifest.Version.
const ManifestVersion = 1

// ValidPageSegment reports whether s is one segment of a page ID, as a
// country slug or a section name is: what the API accepts as a country and
// the stores as a label inside their keys. "" is not a segment.
func ValidPageSegment(s string) bool {
	return s != "" && !strings.Contains(s, "/") && ValidPageID(s)
}

// MaxPageIDLen bounds page IDs accepted anywhere.
const MaxPageIDLen = 512

// ValidPageID reports whether id has the shape of a page ID: a relative,
// slash-separated path of non-empty segments, no "." or ".." segments, no
// leading or trailing slash, valid UTF-8, no control or space characters, no
// backslashes. The home page's ID is "". It says nothing about whether the
// page exists.
func ValidPageID(id string) bool {
	if id == "" {
		return true
	}
	if len(id) > MaxPageIDLen {
		return false
	}
	// One pass over the bytes, without allocating, a table lookup a byte
	// (plain bytes skipped in a tight loop): the API checks the 20 IDs of
	// every GET /api/pages twice (handler and store); a branch per byte
	// class made this 6 % of the read path's CPU (issue 20).
	start, ascii := 0, true
	for i := 0; ; i++ {
		for i < len(id) && pageIDBytes[id[i]] == idPlain {
			i++
		}
		if i == len(id) {
			if !validSegment(id[start:]) {
				return false
			}
			break
		}
		switch pageIDBytes[id[i]] {
		case idSlash:
			if !validSegment(id[start:i]) {
				return false
			}
			start = i + 1
		case idWide:
			ascii = false
		default: // ASCII controls, space, DEL, backslash
			return false
		}
	}
	if ascii {
		return true
	}
	if !utf8.ValidString(id) {
		return false
	}
	for _, r := range id {
		if r >= utf8.RuneSelf && (unicode.IsControl(r) || unicode.IsSpace(r) || r == utf8.RuneError) {
			return false
		}
	}
	return true
}

// Byte classes of page IDs (pageIDBytes).
const (
	idPlain = iota
	idSlash
	idWide // starts or continues a multi-byte UTF-8 sequence
	idBad
)

var pageIDBytes = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c == '/':
			t[c] = idSlash
		case c >= utf8.RuneSelf:
			t[c] = idWide
		case c <= ' ' || c == 0x7f || c == '\\':
			t[c] = idBad
		}
	}
	return t
}()

// validSegment reports whether seg may be a segment of a page ID's path:
// not empty, "." or "..".
func validSegment(seg string) bool {
	return seg != "" && seg != "." && seg != ".."
}

// ValidPageLabel reports whether s may stand as a page's section or
// country, or as a query's filter by one: "" (none) or one page ID segment
// (ValidPageSegment), so that it can sit inside a store's composite key.
func ValidPageLabel(s string) bool {
	return s == "" || ValidPageSegment(s)
}

// CheckPageKey checks an ID under which a store keeps a page's likes,
// comments or thread lock: a valid page ID other than the home page's ""
// (the home page carries no widget, and a bbolt key cannot be empty). Its
// error is EINVALID on field "page". Both stores call it, so they refuse
// the same IDs with the same error.
func CheckPageKey(id string) error {
	if id == "" || !ValidPageID(id) {
		return Invalid("page", "malformed page ID")
	}
	return nil
}

// PageURL returns the site-relative URL of a page ID.
func PageURL(id string) string {
	if id == "" {
		return "/"
	}
	return "/" + id + "/"
}

// SplitPageID returns the country and section of IDs shaped like
// "countries/<country>/<section>/<slug>", and ok=false for any other ID.
func SplitPageID(id string) (country, section string, ok bool) {
	// Cut, not Split: the API asks this of every ID of every read (through
	// ParseReaderReviewID), and Split's slice was a third of the read
	// path's allocations (issue 20).
	rest, ok := strings.CutPrefix(id, "countries/")
	if !ok {
		return "", "", false
	}
	country, rest, ok = strings.Cut(rest, "/")
	if !ok {
		return "", "", false
	}
	section, rest, ok = strings.Cut(rest, "/")
	if !ok || strings.IndexByte(rest, '/') >= 0 {
		return "", "", false
	}
	return country, section, true
}
