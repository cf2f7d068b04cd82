package build

import (
	"time"

	"github.com/beforetrip/beforetrip"
)

// WithClock sets where the builder reads the time that decides which
// future-dated pages are published (default time.Now). Tests move it.
func WithClock(now func() time.Time) Option { return func(b *Builder) { b.now = now } }

// published reports whether a loaded page is part of the site built as of
// b.asOf: drafts only with Drafts, and tips and reviews dated after that
// moment (scheduled posts) only with Future. Countries and the home page
// are never scheduled: a country's date is when its checklist was verified.
func (b *Builder) published(p *Page) bool {
	return (!p.Draft || b.cfg.Drafts) && !b.scheduled(p)
}

// scheduled reports whether p is a tip or review held back until its date.
func (b *Builder) scheduled(p *Page) bool {
	return !b.cfg.Future && (p.Kind == beforetrip.KindTip || p.Kind == beforetrip.KindReview) && p.Date.After(b.asOf)
}

// NextScheduled returns when the site next changes by itself, or false
// when it never does: the date of the earliest page still held back by the
// last build, or, with site data, when the window counts of
// /popular/month/ are a day old (likes age out of the window). The live
// worker rebuilds at that moment. Drafts are not counted (they wait for an
// edit, not a date).
func (b *Builder) NextScheduled() (time.Time, bool) {
	next := b.next
	if b.data != nil && !b.monthAt.IsZero() {
		if at := b.monthAt.Add(monthRefresh); next.IsZero() || at.Before(next) {
			next = at
		}
	}
	return next, !next.IsZero()
}

// tally records the scheduled pages among files: how many (for the build
// summary) and the earliest date.
func (b *Builder) tally(files map[string]*Page) {
	b.sched = map[string]time.Time{}
	for path, p := range files {
		b.tallyPage(path, p)
	}
	b.tallied()
}

// retally updates the tally for the files a Rebuild reloaded (prevs):
// only they can have come, gone or changed date, the pages that came due
// included (Rebuild reloads them). A walk over every page was a fifth of
// a one-file edit's time at 10k pages.
func (b *Builder) retally(files, prevs map[string]*Page) {
	if b.sched == nil {
		b.tally(files)
		return
	}
	for path := range prevs {
		delete(b.sched, path)
		b.tallyPage(path, files[path])
	}
	b.tallied()
}

func (b *Builder) tallyPage(path string, p *Page) {
	if p != nil && (!p.Draft || b.cfg.Drafts) && b.scheduled(p) {
		b.sched[path] = p.Date
	}
}

// tallied sets the earliest date of the scheduled pages.
func (b *Builder) tallied() {
	b.next = time.Time{}
	for _, d := range b.sched {
		if b.next.IsZero() || d.Before(b.next) {
			b.next = d
		}
	}
}

// due lists the files of pages that the previous build held back and that
// are due at b.asOf: Rebuild reloads them as if they had been edited.
func (b *Builder) due(files map[string]*Page, before time.Time) []string {
	if b.cfg.Future || b.next.IsZero() || b.next.After(b.asOf) {
		return nil
	}
	var out []string
	for path, p := range files {
		if p != nil && (p.Kind == beforetrip.KindTip || p.Kind == beforetrip.KindReview) &&
			p.Date.After(before) && !p.Date.After(b.asOf) {
			out = append(out, path)
		}
	}
	return out
}
