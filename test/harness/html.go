package harness

import "strings"

// ListedLikes returns the like count a built list shows for page id, ""
// if the list does not show the page: the data-count of the first
// bt-item-likes after the item's data-page attribute
// (themes/default/layouts/partials/counts.html). The whole-program tests
// and bench/load read published pages with it, so a change to that
// markup is made here once.
func ListedLikes(html, id string) string {
	_, rest, ok := strings.Cut(html, `data-page="`+id+`"`)
	if !ok {
		return ""
	}
	if _, rest, ok = strings.Cut(rest, `class="bt-item-likes" data-count="`); !ok {
		return ""
	}
	n, _, _ := strings.Cut(rest, `"`)
	return n
}
