package durability

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/store"
)

// checkStore opens the store file the killed server left and compares it
// with what the workers were told.
func checkStore(t *testing.T, path string, workers []*worker) {
	t.Helper()
	db, err := store.Open(path, store.WithTimeout(5*time.Second))
	if err != nil {
		t.Fatalf("open the store after the last kill: %v", err)
	}
	defer db.Close()
	if err := db.Verify(); err != nil {
		t.Errorf("Verify: %v", err)
	}
	checkRows(t, db, workers)
}

// rows is what the checks read of a store: *store.DB or *pgstore.DB.
type rows interface {
	beforetrip.UserService
	beforetrip.LikeService
	beforetrip.CommentService
	beforetrip.ReviewService
}

// checkRows compares the rows of db with what the workers were told.
func checkRows(t *testing.T, db rows, workers []*worker) {
	t.Helper()
	ctx := context.Background()
	pages := map[string]bool{}
	checked := 0
	for _, w := range workers {
		u, err := db.UserByLogin(ctx, w.name)
		if err != nil {
			t.Fatalf("acknowledged registration of %s lost: %v", w.name, err)
		}
		for page, s := range w.likes {
			pages[page] = true
			if !s.known {
				continue
			}
			stats, err := db.PageStats(ctx, []string{page}, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := stats[page].Liked; got != s.liked {
				t.Errorf("%s like of %s = %v, last acknowledged %v", w.name, page, got, s.liked)
			}
			checked++
		}
		for p := range w.pages {
			pages[w.pages[p]] = true
		}
	}
	t.Logf("checked %d like keys", checked)
	checkComments(t, db, workers, pages)
	checkReviews(t, db, workers)
}

// verifyAfterKill opens the store file a killed server left, before the
// next start, and runs store.Verify: counters and indexes must be
// consistent after every crash, not only the last, so a problem is
// caught at the kill that caused it. The server holds bbolt's file lock while it runs, so this needs
// it dead. Open runs the same migration transaction the server's start
// would. It returns how long it took (milliseconds on this small file).
func verifyAfterKill(t *testing.T, path, when string) time.Duration {
	t.Helper()
	begin := time.Now()
	db, err := store.Open(path, store.WithTimeout(5*time.Second))
	if err != nil {
		t.Fatalf("open the store %s: %v", when, err)
	}
	defer db.Close()
	if err := db.Verify(); err != nil {
		t.Errorf("Verify %s: %v", when, err)
	}
	return time.Since(begin)
}

// checkComments lists every comment of the pages written to: each is one
// the workers sent, whole; each acknowledged one is there; none of those
// refused is.
func checkComments(t *testing.T, db rows, workers []*worker, pages map[string]bool) {
	t.Helper()
	ctx := context.Background()
	all := map[string]*sent{}
	for _, w := range workers {
		for body, s := range w.comments {
			all[body] = s
		}
	}
	found := map[string]bool{}
	for page := range pages {
		cursor := ""
		for {
			res, err := db.Comments(ctx, beforetrip.CommentQuery{Page: page, Cursor: cursor, Limit: 100, Oldest: true, Moderator: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range res.Comments {
				s := all[c.Body]
				switch {
				case s == nil:
					t.Errorf("comment %d on %s has a body nobody sent (half written?): %q", c.ID, page, c.Body)
				case s.page != page || !strings.Contains(c.HTML, "<strong>kill -9</strong>"):
					t.Errorf("comment %d stored wrong: page %s (sent to %s), html %q", c.ID, page, s.page, c.HTML)
				case s.acked && s.id != c.ID:
					t.Errorf("comment %q stored as %d, acknowledged as %d", c.Body, c.ID, s.id)
				case s.refused:
					t.Errorf("comment %q was refused but is stored", c.Body)
				}
				if found[c.Body] {
					t.Errorf("comment %q stored twice", c.Body)
				}
				found[c.Body] = true
			}
			if res.Next == "" {
				break
			}
			cursor = res.Next
		}
	}
	n := 0
	for body, s := range all {
		if s.acked {
			n++
			if !found[body] {
				t.Errorf("acknowledged comment %d %q lost", s.id, body)
			}
		}
	}
	t.Logf("%d comments sent, %d acknowledged, %d stored", len(all), n, len(found))
}

// checkReviews does for reader reviews what checkComments does for comments.
func checkReviews(t *testing.T, db rows, workers []*worker) {
	t.Helper()
	ctx := context.Background()
	all := map[string]*sent{}
	for _, w := range workers {
		for title, s := range w.reviews {
			all[title] = s
		}
	}
	found := map[string]bool{}
	cursor := ""
	for {
		res, err := db.Reviews(ctx, beforetrip.ReviewQuery{Cursor: cursor, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Reviews {
			s := all[r.Title]
			switch {
			case s == nil:
				t.Errorf("review %d has a title nobody sent: %q", r.ID, r.Title)
			case s.page != r.Country || s.extra != r.Rating || r.Body != "Body of "+r.Title:
				t.Errorf("review %d stored wrong: %+v, sent %+v", r.ID, r, *s)
			case s.acked && s.id != r.ID:
				t.Errorf("review %q stored as %d, acknowledged as %d", r.Title, r.ID, s.id)
			case s.refused:
				t.Errorf("review %q was refused but is stored", r.Title)
			}
			if found[r.Title] {
				t.Errorf("review %q stored twice", r.Title)
			}
			found[r.Title] = true
		}
		if res.Next == "" {
			break
		}
		cursor = res.Next
	}
	n := 0
	for title, s := range all {
		if s.acked {
			n++
			if !found[title] {
				t.Errorf("acknowledged review %d %q lost", s.id, title)
			}
		}
	}
	t.Logf("%d reviews sent, %d acknowledged, %d stored", len(all), n, len(found))
}

// checkPublished reads the output folder as nginx would while the API is
// down: the manifest parses, and every page it lists is a whole HTML
// document (the builder publishes by rename, so a kill mid-rebuild leaves
// the old or the new file, never part of one).
func checkPublished(t *testing.T, out string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, beforetrip.ManifestFile))
	if err != nil {
		t.Fatalf("manifest after a kill: %v", err)
	}
	var m beforetrip.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("manifest after a kill: %v", err)
	}
	for _, p := range m.Pages {
		file := filepath.Join(out, filepath.FromSlash(p.ID), "index.html")
		if p.ID == "" {
			file = filepath.Join(out, "index.html")
		}
		html, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("page %q listed but not published: %v", p.ID, err)
			continue
		}
		if !strings.HasSuffix(strings.TrimSpace(string(html)), "</html>") {
			t.Errorf("page %q is cut short (%d bytes)", p.ID, len(html))
		}
	}
}
