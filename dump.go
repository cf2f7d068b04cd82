package beforetrip

import "time"

// Dump is a store's community data as `beforetrip store copy` moves it
// from one store to another: accounts (with password hashes, so readers
// keep their passwords), likes, comments, reviews and moderation state.
// Counters are not in it: the receiving store derives them from the rows.
// Sessions, account tokens and queued mail are left behind: readers log in
// again after a move.
type Dump struct {
	Users []User
	Likes []Like
	// Pages is the popularity metadata (section, country, date) of every
	// liked page.
	Pages    []PageMeta
	Comments []Comment
	Reviews  []Review
	Reports  []DumpReport
	Locks    []PageLock
	Audit    []AuditEntry
}

// Like is one reader's like of one page.
type Like struct {
	Page   string
	UserID uint64
}

// DumpReport is a report with whether a moderator's decision closed it.
type DumpReport struct {
	Report
	Open bool
}

// PageLock is a thread made read-only by a moderator.
type PageLock struct {
	Page string
	By   Author
	At   time.Time
}

// DumpTally counts what a dump holds, per kind: `store copy` compares the
// source's with what the destination then holds.
type DumpTally struct {
	Users, Likes, Comments, Reviews, Reports, Locks, Audit int
}

// Tally counts d's rows.
func (d *Dump) Tally() DumpTally {
	return DumpTally{Users: len(d.Users), Likes: len(d.Likes), Comments: len(d.Comments), Reviews: len(d.Reviews),
		Reports: len(d.Reports), Locks: len(d.Locks), Audit: len(d.Audit)}
}
