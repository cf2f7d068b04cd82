package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestPopularTiesAgree: two tips with as many likes and the same date,
// whose titles sort the other way round from their page IDs. The store's
// ranking (/api/popular) and the builder's (/popular/, popular.json) put
// them in the same order (beforetrip.ComparePopular); the builder used to
// break the tie by title, the store by page ID.
func TestPopularTiesAgree(t *testing.T) {
	root := t.TempDir()
	MustCopyTree(t, "../../live/testdata/site", root)
	MustCopyTree(t, "../../themes/default", filepath.Join(root, "themes", "default"))
	const first, second = "countries/japan/tips/a-ferry", "countries/japan/tips/b-bus"
	const tip = "---\ntitle: %q\ndate: 2026-10-03\n---\nBody.\n"
	MustWriteFile(t, filepath.Join(root, "content", first+".md"), fmt.Sprintf(tip, "Zen gardens by ferry"))
	MustWriteFile(t, filepath.Join(root, "content", second+".md"), fmt.Sprintf(tip, "A night bus"))
	s := MustStartServeAt(t, root)
	tok := s.MustUser(t, "tiebreaker")
	for _, page := range []string{second, first} {
		if code := s.api(t, "PUT", "/api/likes?page="+page, tok, nil, nil); code != 200 {
			t.Fatalf("like %s: %d", page, code)
		}
	}
	for !popularJSONShows(t, s, []string{first, second}, []int64{1, 1}) &&
		!popularJSONShows(t, s, []string{second, first}, []int64{1, 1}) {
		s.waitFor(t, "/popular/")
	}
	var api struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if code := s.api(t, "GET", "/api/popular", "", nil, &api); code != 200 || len(api.Items) < 2 {
		t.Fatalf("/api/popular: %d, %d items", code, len(api.Items))
	}
	if api.Items[0].ID != first || api.Items[1].ID != second {
		t.Errorf("/api/popular: %s, %s; want %s, %s (ties by page ID)", api.Items[0].ID, api.Items[1].ID, first, second)
	}
	if !popularJSONShows(t, s, []string{first, second}, []int64{1, 1}) {
		t.Errorf("popular.json orders the tie differently from /api/popular")
	}
	_, page := s.get(t, "/popular/")
	if a, b := strings.Index(page, "/"+first+"/"), strings.Index(page, "/"+second+"/"); a < 0 || b < 0 || a > b {
		t.Errorf("/popular/ orders the tie differently from /api/popular (at %d and %d)", a, b)
	}
}
