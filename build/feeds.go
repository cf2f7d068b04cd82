package build

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"slices"
	"time"

	"github.com/beforetrip/beforetrip"
)

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomEntry struct {
	Title      string         `xml:"title"`
	ID         string         `xml:"id"`
	Link       atomLink       `xml:"link"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Author     *atomAuthor    `xml:"author,omitempty"`
	Summary    string         `xml:"summary,omitempty"`
	Categories []atomCategory `xml:"category"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

// feed writes /feed.xml: the newest tips, reviews (reader reviews
// included) and checklist changes, newest first. Its <updated> is the newest entry's date, so
// the file only changes when its entries do.
func (r *renderer) feed(w *bytes.Buffer) error {
	base := r.b.cfg.BaseURL
	f := atomFeed{Lang: r.b.cfg.Language, Title: r.b.cfg.Title, ID: base,
		Links: []atomLink{{Href: base, Rel: "alternate", Type: "text/html"},
			{Href: base + "feed.xml", Rel: "self", Type: "application/atom+xml"}}}
	var newest time.Time
	for _, p := range head(r.s.lists["latest"].items, r.s.lim.feed) {
		updated := p.Date
		if p.Edited != nil && p.Edited.After(updated) {
			updated = *p.Edited
		}
		if updated.After(newest) {
			newest = updated
		}
		e := atomEntry{Title: p.Title, ID: r.b.absURL(p.ID), Link: atomLink{Href: r.b.absURL(p.ID)},
			Published: p.Date.UTC().Format(time.RFC3339), Updated: updated.UTC().Format(time.RFC3339), Summary: p.Summary}
		if p.Author != "" {
			e.Author = &atomAuthor{Name: p.Author}
		}
		for _, t := range p.Tags {
			e.Categories = append(e.Categories, atomCategory{Term: t.Name})
		}
		f.Entries = append(f.Entries, e)
	}
	// Checklist changes are entries too, so readers who follow the feed
	// see what moved; the newest entries of both kinds make the feed.
	if ch := r.changeEntries(); len(ch) > 0 {
		f.Entries = append(f.Entries, ch...)
		slices.SortStableFunc(f.Entries, byFeedDate)
		f.Entries = head2(f.Entries, r.s.lim.feed)
		for _, e := range f.Entries {
			if u, err := time.Parse(time.RFC3339, e.Updated); err == nil && u.After(newest) {
				newest = u
			}
		}
	}
	f.Updated = newest.UTC().Format(time.RFC3339)
	w.WriteString(xml.Header)
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(f); err != nil {
		return err
	}
	w.WriteByte('\n')
	return nil
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemap writes /sitemap.xml: every page of the manifest.
func (r *renderer) sitemap(w *bytes.Buffer) error {
	w.WriteString(xml.Header)
	w.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	enc := xml.NewEncoder(w)
	for _, m := range r.pageMetas() {
		u := sitemapURL{Loc: r.b.absURL(m.ID)}
		if !m.Date.IsZero() {
			u.LastMod = m.Date.UTC().Format(time.DateOnly)
		}
		if err := enc.EncodeElement(u, xml.StartElement{Name: xml.Name{Local: "url"}}); err != nil {
			return err
		}
		w.WriteByte('\n')
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	w.WriteString("</urlset>\n")
	return nil
}

// popularItem is one entry of /popular.json.
type popularItem struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	URL      string    `json:"url"`
	Kind     string    `json:"kind"`
	Country  string    `json:"country"`
	Likes    int64     `json:"likes"`
	Comments int64     `json:"comments"`
	Date     time.Time `json:"date"`
}

// popularDoc is /popular.json (format in docs/build.md).
type popularDoc struct {
	Version   int                      `json:"version"`
	Items     []popularItem            `json:"items"`
	Countries map[string][]popularItem `json:"countries"`
}

func (r *renderer) popularJSON(w *bytes.Buffer) error {
	conv := func(ps []*Page) []popularItem {
		out := make([]popularItem, len(ps))
		for i, p := range ps {
			c := r.s.counts[p.ID]
			out[i] = popularItem{ID: p.ID, Title: p.Title, URL: pageHref(p.ID), Kind: p.Kind, Country: p.Country,
				Likes: c.Likes, Comments: c.Comments, Date: p.Date}
		}
		return out
	}
	doc := popularDoc{Version: 1, Items: conv(head(r.s.lists["popular"].items, r.s.lim.popularJSONTop)),
		Countries: map[string][]popularItem{}}
	for _, c := range r.s.countries {
		doc.Countries[c.Country] = conv(head(r.s.lists["popular:"+c.Country].items, r.s.lim.popularJSONPer))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(doc)
}

// pageMetas lists every page of the site sorted by ID: content pages and
// the first page of every list; later pages of a list are not pages of
// their own for likes, comments or the sitemap.
func (r *renderer) pageMetas() []beforetrip.PageMeta {
	return r.s.manifestPages(r.listTitle, r.th.T)
}
