package build

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/build/markdown"
)

// renderer renders outputs of one assembled site with one theme.
type renderer struct {
	b  *Builder
	s  *site
	th *theme
	sv *siteView
	// newManifest is set when the manifest is rendered; the Builder keeps
	// it once the build is published.
	newManifest *manifestState
}

// itemEntry is a rendered list entry and what it was rendered from: it is
// reused while the page (same object), its country, its counts and the
// theme are the same. Pages changed in place (Rebuild's inPlace) drop
// their entries.
type itemEntry struct {
	page, country *Page
	counts        beforetrip.Counts
	th            *theme
	html          template.HTML
}

func (b *Builder) newRenderer(s *site, th *theme) *renderer {
	sv := b.siteView(th)
	for _, p := range s.footer {
		sv.Footer = append(sv.Footer, footerLink{Title: p.Title, URL: beforetrip.PageURL(p.ID)})
		sv.FooterKey += p.Title + "\x00" + p.ID + "\x00"
	}
	return &renderer{b: b, s: s, th: th, sv: sv}
}

func (b *Builder) siteView(th *theme) *siteView {
	return &siteView{Title: b.cfg.Title, Lang: b.cfg.Language, BaseURL: b.cfg.BaseURL,
		APIOrigin: b.cfg.APIOrigin, LiveReload: b.cfg.LiveReload, Offline: !b.cfg.LiveReload, ThemeColor: themeColor, I18N: th.widget, AdminI18N: th.admin,
		AccountI18N: th.account}
}

// render writes the bytes of o into w: outputs made of data are written
// as they are, the others execute their theme template with view(o).
func (r *renderer) render(o *output, w *bytes.Buffer) error {
	switch o.kind {
	case outWebManifest:
		data, err := r.webManifest()
		w.Write(data)
		return err
	case outFeed:
		return r.feed(w)
	case outSitemap:
		return r.sitemap(w)
	case outPopularJSON:
		return r.popularJSON(w)
	case outManifest:
		return r.manifest(w)
	case outAsset:
		w.Write(o.asset.data)
		return nil
	case outSearch, outOffline:
		w.Write(o.data)
		return nil
	case outImage:
		data, err := r.b.imgs.File(o.id)
		if err != nil {
			return fmt.Errorf("build: image %s: %w", o.id, err)
		}
		w.Write(data)
		return nil
	}
	v, err := r.view(o)
	if err != nil {
		return err
	}
	return r.th.execute(w, o.tmpl, v)
}

// view is what the theme template of o is executed with.
func (r *renderer) view(o *output) (*view, error) {
	switch o.kind {
	case outPage:
		return r.pageView(o)
	case outList:
		return r.listView(o)
	case outChanges:
		return r.changesView(o), nil
	case outCountries:
		v := r.baseView(o.id, beforetrip.KindList, r.th.T("countries_title"))
		v.Continents = r.continents()
		v.Crumbs = []crumb{{r.th.T("home"), ""}}
		return v, nil
	case outTags:
		v := r.baseView(o.id, beforetrip.KindList, r.th.T("tags_title"))
		v.Crumbs = []crumb{{r.th.T("home"), ""}}
		for _, t := range r.s.tags {
			v.Tags = append(v.Tags, tagView{Name: t.Name, Slug: t.Slug, Count: len(t.list.items)})
		}
		return v, nil
	case outAccount:
		// The account pages are shells the account script fills from the
		// API; they say nothing worth indexing.
		view := strings.TrimPrefix(strings.TrimPrefix(o.id, "account"), "/")
		if view == "" {
			view = "account"
		}
		v := r.baseView(o.id, "account", r.th.T("account_title_"+view))
		v.NoIndex, v.AccountView = true, view
		v.Crumbs = []crumb{{r.th.T("home"), ""}}
		return v, nil
	case outAdmin:
		v := r.baseView("admin", "admin", r.th.T("admin_title"))
		v.NoIndex = true
		v.Canonical = ""
		return v, nil
	case outSearchPage:
		v := r.baseView(o.id, beforetrip.KindList, r.th.T("search_title"))
		v.Crumbs = []crumb{{r.th.T("home"), ""}}
		v.NoIndex = true
		return v, nil
	case outSaved:
		v := r.baseView(o.id, "saved", r.th.T("saved_title"))
		v.Crumbs = []crumb{{r.th.T("home"), ""}}
		v.NoIndex = true
		return v, nil
	case out404:
		v := r.baseView("404", "404", r.th.T("notfound_title"))
		v.NoIndex = true
		v.Canonical = ""
		return v, nil
	}
	return nil, fmt.Errorf("build: unknown output kind %d", o.kind)
}

func (r *renderer) baseView(id, kind, title string) *view {
	return &view{Site: r.sv, ID: id, Kind: kind, Title: title, Lang: r.sv.Lang, Canonical: r.b.absURL(id)}
}

func (r *renderer) item(p *Page) item {
	return item{P: p, Counts: r.s.counts[p.ID], Country: r.s.pages["countries/"+p.Country]}
}

func (r *renderer) items(ps []*Page) []item {
	out := make([]item, len(ps))
	for i, p := range ps {
		out[i] = r.item(p)
	}
	return out
}

// itemsHTML returns the list entries of ps rendered with partials/item.html.
// A page is listed on up to half a dozen list pages (its section, its tags,
// the home and popular pages) with the same HTML, so each entry is
// rendered once and reused, by this pass and by later rebuilds (a title
// edit re-renders ~6 list pages of 50 entries, of which one changed): list
// pages then cost a few template actions instead of hundreds.
func (r *renderer) itemsHTML(ps []*Page, sub bool) ([]item, error) {
	out := r.items(ps)
	for i := range out {
		out[i].Sub = sub
		key := itemHTMLKey(out[i].P.ID, sub)
		if v, ok := r.b.itemHTML.Load(key); ok {
			if e := v.(itemEntry); e.page == out[i].P && e.country == out[i].Country && e.counts == out[i].Counts && e.th == r.th {
				out[i].HTML = e.html
				continue
			}
		}
		var buf bytes.Buffer
		t := r.th.base.Lookup("item.html")
		if t == nil {
			return nil, fmt.Errorf("build: theme has no partials/item.html")
		}
		if err := t.Execute(&buf, out[i]); err != nil {
			return nil, err
		}
		out[i].HTML = template.HTML(buf.String())
		r.b.itemHTML.Store(key, itemEntry{page: out[i].P, country: out[i].Country, counts: out[i].Counts, th: r.th, html: out[i].HTML})
	}
	return out, nil
}

// pageView is the view of a content page.
func (r *renderer) pageView(o *output) (*view, error) {
	p := o.page
	title := p.Title
	if p.Kind == beforetrip.KindHome && title == "" {
		title = r.b.cfg.Title
	}
	v := r.baseView(p.ID, p.Kind, title)
	v.Page, v.Description = p, p.Summary
	if p.Lang != "" {
		v.Lang = p.Lang
	}
	body, toc, err := r.b.pageBody(p)
	if err != nil {
		return nil, err
	}
	v.Body, v.TOC = body, tocHTML(toc)
	switch p.Kind {
	case beforetrip.KindHome:
		if v.Latest, err = r.itemsHTML(head(r.s.lists["latest"].items, r.s.lim.homeLatest), true); err != nil {
			return nil, err
		}
		if v.Popular, err = r.itemsHTML(head(r.s.lists["month"].items, r.s.lim.homePopular), true); err != nil {
			return nil, err
		}
		v.Continents = r.continents()
		v.About = r.s.pages[aboutPage] != nil
	case beforetrip.KindPage:
		v.Crumbs = []crumb{{r.th.T("home"), ""}}
	case beforetrip.KindCountry:
		v.Country, v.Likeable = p, true
		v.Crumbs = []crumb{{r.th.T("home"), ""}, {r.th.T("countries_title"), "countries"}}
		tips := r.s.lists["section:"+p.Country+"/"+beforetrip.SectionTips]
		revs := r.s.lists["section:"+p.Country+"/"+beforetrip.SectionReviews]
		v.Tips, v.TipsTotal, v.TipsURL = r.items(head(tips.items, r.s.lim.countryLatest)), len(tips.items), tips.id
		v.Reviews, v.ReviewsTotal, v.ReviewsURL = r.items(head(revs.items, r.s.lim.countryLatest)), len(revs.items), revs.id
		v.PopularURL = p.ID + "/popular"
		if rule := p.Checklist.Rule(r.b.defaultPassport()); rule != nil {
			v.Passport = rule.Passport
		}
	default:
		c := r.s.pages["countries/"+p.Country]
		v.Country, v.Likeable = c, true
		v.Crumbs = []crumb{{r.th.T("home"), ""}, {r.th.T("countries_title"), "countries"},
			{c.Title, c.ID}, {r.th.T("section_" + p.Section), c.ID + "/" + p.Section}}
	}
	return v, nil
}

func head(ps []*Page, n int) []*Page { return ps[:min(n, len(ps))] }

// listTitle is the heading of a list.
func (r *renderer) listTitle(l *list) string {
	kind, rest, _ := strings.Cut(l.key, ":")
	switch kind {
	case "section":
		c, sec, _ := strings.Cut(rest, "/")
		return fmt.Sprintf(r.th.T("list_"+sec+"_title"), r.countryName(c))
	case "tag":
		return fmt.Sprintf(r.th.T("tag_title"), r.s.tagBySlug[rest].Name)
	case "popular":
		if rest != "" {
			return fmt.Sprintf(r.th.T("popular_country_title"), r.countryName(rest))
		}
	case "month":
		return r.th.T("popular_month_title")
	}
	return r.th.T("popular_title")
}

func (r *renderer) countryName(slug string) string {
	if c := r.s.pages["countries/"+slug]; c != nil {
		return c.Title
	}
	return slug
}

// listView is the view of page n of a list.
func (r *renderer) listView(o *output) (*view, error) {
	l := o.list
	v := r.baseView(o.id, listKind(l), r.listTitle(l))
	var err error
	if v.Items, err = r.itemsHTML(l.shown(o.n), false); err != nil {
		return nil, err
	}
	v.Empty = "list_empty"
	if l.key == "popular" || l.key == "month" {
		v.PopularTabs = true
	}
	if l.key == "month" {
		v.Empty = "popular_month_empty"
	}
	v.Crumbs = []crumb{{r.th.T("home"), ""}}
	if c := listCountry(l); c != "" {
		v.Country = r.s.pages["countries/"+c]
		v.Crumbs = append(v.Crumbs, crumb{r.th.T("countries_title"), "countries"}, crumb{v.Country.Title, v.Country.ID})
	} else if strings.HasPrefix(l.key, "tag:") {
		v.Crumbs = append(v.Crumbs, crumb{r.th.T("tags_title"), "tags"})
	}
	if l.per > 0 && l.pages() > 1 {
		pg := &pager{N: o.n, Total: l.pages(), ListID: l.id, Ranked: l.key == "popular"}
		if o.n > 1 {
			pg.Prev = o.n - 1
		}
		if o.n < pg.Total {
			pg.Next = o.n + 1
		}
		v.Pager = pg
		if o.n > 1 {
			v.Title = fmt.Sprintf(r.th.T("page_n_title"), v.Title, o.n)
		}
	}
	return v, nil
}

// continents groups countries by continent in a fixed order.
func (r *renderer) continents() []continent {
	var out []continent
	for _, name := range continents {
		var cs []*Page
		for _, c := range r.s.countries {
			if c.Checklist.Continent == name {
				cs = append(cs, c)
			}
		}
		if len(cs) > 0 {
			out = append(out, continent{Name: r.th.T("continent_" + strings.ReplaceAll(strings.ToLower(name), " ", "_")), Countries: cs})
		}
	}
	return out
}

// tocHTML renders a table of contents as an ordered list, here rather than
// in partials/toc.html: a template spends three escaper calls per entry,
// a tenth of a tip page's rendering time. The escaping is html/template's
// for the same contexts, so the bytes are those the partial wrote.
// (template.URLQueryEscaper would write upper-case hex and change every
// page with a Korean heading.)
func tocHTML(toc []markdown.Heading) template.HTML {
	if len(toc) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("<ol>")
	for _, h := range toc {
		fmt.Fprintf(&b, `<li class="toc-h%d"><a href="#%s">%s</a></li>`,
			h.Level, fragmentEscape(h.ID), template.HTMLEscapeString(h.Text))
	}
	b.WriteString("</ol>")
	return template.HTML(b.String())
}

// fragmentEscape percent-encodes an element id for a "#…" link as
// html/template does in that context: unreserved bytes stay, every other
// byte becomes %xx with lower-case hex.
func fragmentEscape(id string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		c := id[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
