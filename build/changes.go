package build

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"
)

// pathChanges is /changes/: every country's changes, newest first.
const pathChanges = "changes/index.html"

// countryChange is one change of one country, as /changes/ and the feed
// show it.
type countryChange struct {
	Country *Page
	Change
}

// allChanges lists the changes of every published country, newest first;
// ties by country name, then file order. Computed when rendered, not kept
// in the site: a few dozen lines that no fast path has to carry along.
func (s *site) allChanges() []countryChange {
	var out []countryChange
	for _, c := range s.countries {
		for _, ch := range c.Checklist.Changes {
			out = append(out, countryChange{Country: c, Change: ch})
		}
	}
	// s.countries is sorted by name and each country's changes are newest
	// first, so a stable sort by date keeps both tie orders.
	slices.SortStableFunc(out, func(a, b countryChange) int { return b.Date.Compare(a.Date) })
	return out
}

// changeID is a change's stable Atom ID and /changes/ anchor: the country,
// the date and a hash of the text, so editing another change (or adding
// one) leaves it alone and readers' feed readers do not show it again.
func changeID(cc countryChange) string {
	h := fnv.New32a()
	h.Write([]byte(cc.Text))
	return fmt.Sprintf("%s-%s-%08x", cc.Country.Country, cc.Date.Format(time.DateOnly), h.Sum32())
}

// changeEntries are the feed entries of the changes (newest first).
func (r *renderer) changeEntries() []atomEntry {
	var out []atomEntry
	for _, cc := range head2(r.s.allChanges(), r.s.lim.feed) {
		d := cc.Date.UTC().Format(time.RFC3339)
		link := r.b.absURL("changes") + "#" + changeID(cc)
		out = append(out, atomEntry{Title: fmt.Sprintf(r.th.T("change_entry_title"), cc.Country.Title, cc.Text),
			ID: link, Link: atomLink{Href: r.b.absURL(cc.Country.ID)}, Published: d, Updated: d, Summary: cc.Text,
			Categories: []atomCategory{{Term: r.th.T("changes_title")}}})
	}
	return out
}

func head2[T any](s []T, n int) []T { return s[:min(n, len(s))] }

// changeView is one change on /changes/.
type changeView struct {
	ID string // anchor, see changeID
	countryChange
}

// changesView is the view of /changes/.
func (r *renderer) changesView(o *output) *view {
	v := r.baseView(o.id, "list", r.th.T("changes_title"))
	v.Crumbs = []crumb{{r.th.T("home"), ""}}
	for _, cc := range r.s.allChanges() {
		v.Changes = append(v.Changes, changeView{ID: changeID(cc), countryChange: cc})
	}
	return v
}

// byFeedDate orders feed entries newest first by their date (as the
// latest list orders tips and reviews), ties by ID, so the feed has one
// order whatever the merge.
func byFeedDate(a, b atomEntry) int {
	return cmp.Or(strings.Compare(b.Published, a.Published), strings.Compare(a.ID, b.ID))
}
