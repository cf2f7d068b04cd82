package beforetrip

// Page sizes of the services' lists, the same for every store: a query
// that asks for no limit (0) gets the default, and never more than the
// maximum (PageLimit). The API refuses a limit over the maximum of
// comments and reviews; /api/popular has a smaller page of its own.
const (
	DefaultCommentLimit = 50
	MaxCommentLimit     = 100
	DefaultReviewLimit  = 20
	MaxReviewLimit      = 100
	// The popularity index is read entry by entry: a query without a limit
	// reads a few.
	DefaultPopularLimit = 10
	MaxPopularLimit     = 1000
	DefaultUserLimit    = 50
	MaxUserLimit        = 100
	DefaultQueueLimit   = 50
	MaxQueueLimit       = 100
	DefaultAuditLimit   = 50
	MaxAuditLimit       = 200
)

// PageLimit is the page size a query asking for limit gets: def when it
// asks for none (limit <= 0), else at most max.
func PageLimit(limit, def, max int) int {
	if limit <= 0 {
		return def
	}
	return min(limit, max)
}
