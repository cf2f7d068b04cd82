package api

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip"
)

// pagesResponse is the shape of GET /api/pages, for decoding in tests.
type pagesResponse struct {
	Pages map[string]beforetrip.PageStats `json:"pages"`
}

// TestPagesJSONSameAsEncoding: the hand-written answer of GET /api/pages
// has the bytes encoding/json writes for the same map, on IDs with every
// character encoding/json escapes or that is not ASCII.
func TestPagesJSONSameAsEncoding(t *testing.T) {
	parts := []string{"countries", "japan", "tips", "a-b", "서울", "\"", "<", ">", "&", "\u2028", "\u2029", "é", "x", "'"}
	r := rand.New(rand.NewPCG(20, 1))
	for round := range 2000 {
		stats := map[string]beforetrip.PageStats{}
		var ids []string
		for n := r.IntN(6); n >= 0 && round > 0; n-- {
			var segs []string
			for k := r.IntN(3); k >= 0; k-- {
				segs = append(segs, parts[r.IntN(len(parts))])
			}
			id := strings.Join(segs, "/")
			if _, dup := stats[id]; dup {
				continue
			}
			ids = append(ids, id)
			stats[id] = beforetrip.PageStats{Likes: r.Int64N(1 << 40), Comments: r.Int64N(1000) - 1, Liked: r.IntN(2) == 0}
		}
		want, err := json.Marshal(pagesResponse{Pages: stats})
		if err != nil {
			t.Fatal(err)
		}
		if got := appendPagesJSON(nil, ids, stats); string(got) != string(want) {
			t.Fatalf("ids %q:\n got %s\nwant %s", ids, got, want)
		}
	}
}
