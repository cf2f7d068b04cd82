package build

import (
	"html/template"

	"github.com/beforetrip/beforetrip"
)

// siteView is what every template sees about the site.
type siteView struct {
	Title      string
	Lang       string
	BaseURL    string
	APIOrigin  string
	LiveReload bool
	// Offline: the site has a service worker and "Save for the trip"
	// (production builds; offline.go).
	Offline bool
	// ThemeColor colours the browser's UI around the site (offline.go).
	ThemeColor string
	I18N       template.JS // JSON of the widget_* strings for the widget
	AdminI18N  template.JS // JSON of the admin_* strings for /admin/'s script
	// AccountI18N is the JSON of the account_* strings, written only into
	// the account pages for their own script.
	AccountI18N template.JS
	// Footer links the pages of their own marked `footer: true`;
	// FooterKey identifies them for the footer's shared rendering.
	Footer    []footerLink
	FooterKey string
}

// footerLink is a link in every page's footer.
type footerLink struct {
	Title, URL string
}

// aboutPage is the ID of the page of its own the home page links to
// ("About this site") when it exists.
const aboutPage = "about"

// view is the data of one HTML page.
type view struct {
	Site        *siteView
	ID          string // data-page-id
	Kind        string
	Title       string
	Lang        string // the page's language (<html lang>): its own, else the site's
	Description string
	Canonical   string
	NoIndex     bool
	Crumbs      []crumb
	// AccountView is what an account page shows: "account", "reset" or
	// "verify" (account.js fills it).
	AccountView string

	Page     *Page // content pages
	Body     template.HTML
	TOC      template.HTML // <ol> of the headings of long pages, "" for others
	Country  *Page         // the page's country (also set on country pages)
	Likeable bool          // like button and comments (their counts come from the widget)

	// Lists.
	Heading template.HTML
	Items   []item
	Pager   *pager
	Empty   string // i18n key shown when Items is empty

	// Country page.
	Passport                string // the entry rule shown before the reader picks one
	Tips, Reviews           []item
	TipsTotal, ReviewsTotal int
	TipsURL, ReviewsURL     string
	PopularURL              string

	// PopularTabs links /popular/ and /popular/month/ to each other.
	PopularTabs bool

	// Home and /countries/.
	Popular    []item // home: the first of /popular/month/
	About      bool   // home: the site has /about/
	Latest     []item
	Continents []continent

	// /tags/.
	Tags []tagView

	// /changes/.
	Changes []changeView
}

// crumb is one breadcrumb link.
type crumb struct {
	Title string
	ID    string
}

// item is one entry of a list.
type item struct {
	P       *Page
	Counts  beforetrip.Counts
	Country *Page
	Sub     bool          // listed under an h2 (home page): its title is an h3
	HTML    template.HTML // the entry rendered with partials/item.html
}

// pager links the pages of a paginated list.
type pager struct {
	N, Total   int
	ListID     string
	Prev, Next int  // 0 = none
	Ranked     bool // a ranking (/popular/): its pages are more or less popular, not newer or older
}

// continent groups countries on /countries/ and the home page.
type continent struct {
	Name      string
	Countries []*Page
}

// tagView is one entry of /tags/.
type tagView struct {
	Name, Slug string
	Count      int
}
