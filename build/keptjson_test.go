package build

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

// TestKeptJSONArrayEqualsMarshal: the manifest's page list kept piece by
// piece and patched with random sets and removals (IDs and titles that
// JSON escapes included) joins to json.Marshal of the whole list, same
// and joins tell it from the list before the patch exactly when the bytes
// differ, and a patch leaves the keptJSON it started from as it was.
func TestKeptJSONArrayEqualsMarshal(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 17))
	ids := []string{"", "a/<b>&c", "여행/팁", "x\u2028y", `q"uote`, "countries/japan"}
	for i := range 40 {
		ids = append(ids, fmt.Sprintf("countries/c%02d/tips/t", i))
	}
	pages := map[string]beforetrip.PageMeta{}
	k, err := newKeptJSON[beforetrip.PageMeta](nil, nil, encodeMeta)
	if err != nil {
		t.Fatal(err)
	}
	for step := range 300 {
		before, beforeJSON := k, k.appendTo(nil, '[', ']')
		var dirty []string
		for range 1 + rng.IntN(6) {
			id := ids[rng.IntN(len(ids))]
			dirty = append(dirty, id)
			if rng.IntN(3) == 0 {
				delete(pages, id)
				continue
			}
			pages[id] = beforetrip.PageMeta{ID: id, Kind: beforetrip.KindTip, Title: fmt.Sprintf("<T> %d ü", rng.IntN(9)),
				URL: beforetrip.PageURL(id), Date: time.Unix(rng.Int64N(1<<31), 0).UTC()}
		}
		if k, err = k.patch(sortedUnique(dirty), func(id string) (beforetrip.PageMeta, bool) {
			m, ok := pages[id]
			return m, ok
		}, encodeMeta); err != nil {
			t.Fatal(err)
		}
		want := make([]beforetrip.PageMeta, 0, len(pages))
		for _, id := range slices.Sorted(maps.Keys(pages)) {
			want = append(want, pages[id])
		}
		wantJSON, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		if got := k.appendTo(nil, '[', ']'); !bytes.Equal(got, wantJSON) || len(got) != k.size() {
			t.Fatalf("step %d:\ngot  %s (size %d)\nwant %s", step, got, k.size(), wantJSON)
		}
		if !k.joins(wantJSON, '[', ']') || k.joins(wantJSON, '{', '}') || k.joins(append(slices.Clip(wantJSON), ' '), '[', ']') {
			t.Fatalf("step %d: joins does not tell its own JSON", step)
		}
		if same := bytes.Equal(beforeJSON, wantJSON); before.same(k) != same || k.joins(beforeJSON, '[', ']') != same {
			t.Fatalf("step %d: same and joins say %v, %v; the bytes %v", step, before.same(k), k.joins(beforeJSON, '[', ']'), same)
		}
		if !slices.Equal(k.vals, want) {
			t.Fatalf("step %d: values %v, want %v", step, k.vals, want)
		}
		if got := before.appendTo(nil, '[', ']'); !bytes.Equal(got, beforeJSON) {
			t.Fatalf("step %d: patch changed the keptJSON it started from:\n%s\nwas %s", step, got, beforeJSON)
		}
	}
}
