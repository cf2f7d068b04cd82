package beforetrip

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxSlugLen bounds a slug, in bytes.
const MaxSlugLen = 200

// SlugRule says ValidSlug's rule in words, for error messages.
const SlugRule = "use lower-case letters, digits, '-' and '_'"

// ValidSlug reports whether s can be the slug of a page (a file or folder
// name under content/, or a front matter `slug:`): 1 to MaxSlugLen bytes
// of lower-case letters of any script (letters without case, such as
// Korean, count as lower case), combining marks, digits, '-' and '_'.
//
// '_' is allowed because the builder always accepted it (content written
// with it must keep building); `beforetrip new` used to refuse it, which
// made the scaffolder stricter than the content model for no reason.
func ValidSlug(s string) bool {
	if s == "" || len(s) > MaxSlugLen || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !((unicode.IsLetter(r) && !unicode.IsUpper(r)) || unicode.IsDigit(r) ||
			unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// ReservedSlugRule says ReservedSlug's rule for reviews in words, for
// error messages.
const ReservedSlugRule = `review slugs must not start with "u-" (reserved for reader reviews)`

// sitePaths are the first path segments of the site's own pages and
// files and of the API: a page of its own (KindPage), published at
// /<slug>/, may not take one.
var sitePaths = []string{"_live", "account", "admin", "api", "changes", "countries", "css", "js", "media",
	"offline", "popular", "saved", "search", "tags"}

// ReservedPageRule says ReservedSlug's rule for pages of their own.
var ReservedPageRule = "the site uses this path for its own pages; a page of its own may not be named " +
	strings.Join(sitePaths, ", ")

// ReservedSlug reports whether an editorial page of kind (Kind*) may not
// use slug: reviews may not start with ReaderReviewPrefix, which names
// reader reviews (countries/<c>/reviews/u-<id>), and a page of its own
// may not take one of the site's own paths.
func ReservedSlug(kind, slug string) bool {
	switch kind {
	case KindReview:
		return strings.HasPrefix(slug, ReaderReviewPrefix)
	case KindPage:
		return slices.Contains(sitePaths, slug)
	}
	return false
}
