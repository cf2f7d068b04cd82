package build

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestRecordsEncodingEqualsMarshal: the kept encoding of the writer's
// records equals json.Marshal of the map after every step of random sets
// and removals (paths that JSON escapes included), and save writes it.
func TestRecordsEncodingEqualsMarshal(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 4))
	w := newWriter(t.TempDir())
	names := []string{"index.html", "a/<b>&c.html", "여행/팁/index.html", "x\u2028y", `q"uote\.bin`, "search/t/0.bin"}
	for i := range 40 {
		names = append(names, fmt.Sprintf("p/%03d/index.html", i))
	}
	for step := range 300 {
		for range 1 + rng.IntN(5) {
			p := names[rng.IntN(len(names))]
			if rng.IntN(3) == 0 {
				w.unset(p)
			} else {
				w.set(p, record{Sum: fmt.Sprintf("%x", rng.Uint64()), Size: rng.Int64N(1 << 40), MTime: rng.Int64()})
			}
		}
		got, err := w.encodeRecords(nil)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(w.files)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("step %d:\ngot  %s\nwant %s", step, got, want)
		}
		if step%50 == 0 {
			if err := w.save(); err != nil {
				t.Fatal(err)
			}
			disk, err := os.ReadFile(filepath.Join(w.dir, outputsFile))
			if err != nil || !bytes.Equal(disk, want) {
				t.Fatalf("step %d: saved %s, %v; want %s", step, disk, err, want)
			}
		}
	}
}

// TestRecordsSavedAgainAfterOutsideChange: a records file changed by
// something else since this process wrote it is written again, though
// the records did not change.
func TestRecordsSavedAgainAfterOutsideChange(t *testing.T) {
	w := newWriter(t.TempDir())
	w.set("index.html", record{Sum: "1", Size: 2, MTime: 3})
	if err := w.save(); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(w.dir, outputsFile)
	if err := os.WriteFile(file, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := w.save(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(file); string(got) != `{"index.html":{"xxh64":"1","size":2,"mtime":3}}` {
		t.Errorf("records file %s, want it written again", got)
	}
}
