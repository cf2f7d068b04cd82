package build

import (
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/beforetrip/beforetrip"
)

// templateFuncs are the functions the theme's templates call. It is long
// because it is one table on purpose: the theme's whole vocabulary in one
// place.
func (b *Builder) templateFuncs(th *theme) template.FuncMap {
	dateLayout := th.T("date_format")
	if dateLayout == "date_format" {
		dateLayout = "2 January 2006"
	}
	return template.FuncMap{
		"T":  th.T,
		"Tf": func(key string, args ...any) string { return fmt.Sprintf(th.T(key), args...) },
		// url is the percent-encoded site-relative URL of a page ID.
		"url":      pageHref,
		"absURL":   b.absURL,
		"pagerURL": pagerHref,
		// asset is the fingerprinted URL of a file under static/, "" if absent.
		"asset": th.assetURL,
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format(dateLayout)
		},
		"isodate": func(t time.Time) string { return t.Format(time.DateOnly) },
		// cover renders a page's cover picture ("" without one); sizes is
		// how wide the layout shows it, lazy for pictures below the fold.
		"cover": func(p *Page, sizes string, lazy bool) template.HTML {
			if p == nil {
				return ""
			}
			return coverHTML(p.Cover, p.CoverAlt, sizes, lazy)
		},
		"coverIcon": coverIcon,
		"stars": func(n int) string {
			n = max(0, min(n, 5))
			return strings.Repeat("★", n) + strings.Repeat("☆", 5-n)
		},
		"emergencyLabel": func(key string) string {
			if v, ok := th.i18n["emergency_"+key]; ok {
				return v
			}
			return humanize(key)
		},
		// passportName names the holders of an entry rule's passport
		// key: "South Korea", "EU member states", "Other passports".
		"passportName": func(key string) string {
			if v, ok := th.i18n["passport_"+strings.ToLower(key)]; ok {
				return v
			}
			return key
		},
		"join": strings.Join,
		// shared renders a site-wide partial once per build; key tells
		// its variants apart (see theme.sharedHTML).
		"shared": func(name, key string) (template.HTML, error) {
			return th.sharedHTML(name, key, func() any { return &view{Site: b.siteView(th), ID: key} })
		},
		// sharedWith is shared for a partial whose data the page passes:
		// key must tell apart everything of data the partial shows.
		"sharedWith": func(name, key string, data any) (template.HTML, error) {
			return th.sharedHTML(name, key, func() any { return data })
		},
		// crumbs renders partials/crumbs.html for a breadcrumb trail once
		// per distinct trail (every tip of a country shares one), and
		// tagLink partials/tag-link.html once per tag: each would otherwise
		// cost a dozen escaper calls on each of 10k pages. The key is the
		// data itself, so a renamed country or tag gets a new entry.
		"crumbs": func(cs []crumb) (template.HTML, error) {
			var key strings.Builder
			for _, c := range cs {
				key.WriteString(c.Title + "\x00" + c.ID + "\x00")
			}
			return th.sharedHTML("crumbs.html", key.String(), func() any { return cs })
		},
		"tagLink": func(t Tag) (template.HTML, error) {
			return th.sharedHTML("tag-link.html", t.Slug+"\x00"+t.Name, func() any { return t })
		},
		// counts renders partials/counts.html once per distinct pair of
		// counts: every list entry shows one, and most pairs repeat.
		"counts": func(c beforetrip.Counts) (template.HTML, error) {
			return th.sharedHTML("counts.html", strconv.FormatInt(c.Likes, 10)+"/"+strconv.FormatInt(c.Comments, 10), func() any { return c })
		},
		// navKey is the header variant of a page: the nav item it is, or
		// "popular/" for the other pages of the ranking (/popular/month/,
		// /popular/page/N/), whose nav item is marked as the current section.
		"navKey": func(id string) string {
			switch id {
			case "countries", "popular", "tags":
				return id
			}
			if strings.HasPrefix(id, "popular/") {
				return "popular/"
			}
			return ""
		},
	}
}

// pageHref returns the site-relative URL of a page ID with every segment
// percent-encoded, so Korean slugs make valid links.
func pageHref(id string) string {
	if id == "" {
		return "/"
	}
	segs := strings.Split(id, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return "/" + strings.Join(segs, "/") + "/"
}

// pagerHref is the URL of page n of the list whose first page is id.
func pagerHref(id string, n int) string {
	if n <= 1 {
		return pageHref(id)
	}
	return pageHref(pagerID(id, n))
}

// pagerID is the page ID of page n (n ≥ 2) of a paginated list.
func pagerID(id string, n int) string {
	return fmt.Sprintf("%s/page/%d", id, n)
}

// absURL is the absolute URL of a page ID.
func (b *Builder) absURL(id string) string {
	return strings.TrimSuffix(b.cfg.BaseURL, "/") + pageHref(id)
}

// humanize turns "tourist_police" into "Tourist police".
func humanize(key string) string {
	s := strings.ReplaceAll(key, "_", " ")
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}

// defaultPassport is the entry rule a country page shows before the
// reader picks a passport: Korean passports in the ko build (its first
// readers), the default rule otherwise.
func (b *Builder) defaultPassport() string {
	if b.cfg.Language == beforetrip.LangKorean {
		return "KR"
	}
	return beforetrip.PassportDefault
}
