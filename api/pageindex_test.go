package api

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/store"
)

func TestPageIndex(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(filepath.Join(dir, "bt.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := filepath.Join(dir, "public")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	idx, err := NewPageIndex(out, db)
	if err != nil {
		t.Fatalf("absent manifest: %v", err)
	}
	if _, ok := idx.Page("countries/japan"); ok {
		t.Fatal("absent manifest has pages")
	}
	u := &beforetrip.User{Username: "writer", Email: "w@example.com", Role: beforetrip.RoleReader, PasswordHash: []byte("x")}
	if err := db.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	rv := &beforetrip.Review{Country: "japan", Title: "Reader", Rating: 4, Author: author(u)}
	if err := db.CreateReview(context.Background(), rv); err != nil {
		t.Fatal(err)
	}
	if _, ok := idx.Page(rv.PageID()); ok {
		t.Fatal("reader review is a page before its country exists")
	}
	MustManifest(t, out, testPages)
	if err := idx.Reload(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id   string
		ok   bool
		kind string
	}{
		{"countries/japan", true, beforetrip.KindCountry},
		{"countries/south-korea/tips/교통카드", true, beforetrip.KindTip},
		{rv.PageID(), true, beforetrip.KindReaderReview},
		{"countries/south-korea/reviews/u-1", false, ""}, // the review is of japan
		{"countries/japan/reviews/u-01", false, ""},
		{"countries/japan/reviews/u-999", false, ""},
		{"countries/narnia", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			m, ok := idx.Page(tt.id)
			if ok != tt.ok || m.Kind != tt.kind {
				t.Fatalf("Page(%q) = %+v, %v; want kind %q, %v", tt.id, m, ok, tt.kind, tt.ok)
			}
			if has := idx.Has(tt.id); has != tt.ok {
				t.Fatalf("Has(%q) = %v, want %v", tt.id, has, tt.ok)
			}
		})
	}
	if m, _ := idx.Page(rv.PageID()); m.Title != "Reader" || m.URL != "/"+rv.PageID()+"/" || m.Country != "japan" {
		t.Fatalf("reader review meta = %+v", m)
	}
	if err := os.WriteFile(filepath.Join(out, beforetrip.ManifestFile), []byte("{broken"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := idx.Reload(); err == nil {
		t.Fatal("broken manifest reloaded without error")
	}
	if _, ok := idx.Page("countries/japan"); !ok {
		t.Fatal("a failed reload dropped the previous pages")
	}
}

// TestPageIndexSetWhileRead: builds replace the pages while requests look
// them up (go test -race); a reader sees the old set or the new one whole,
// and Set keeps no reference to the slice it was given.
func TestPageIndexSetWhileRead(t *testing.T) {
	idx, err := NewPageIndex(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	a := []beforetrip.PageMeta{{ID: "countries/japan", Kind: beforetrip.KindCountry}, {ID: "countries/japan/tips/a", Kind: beforetrip.KindTip}}
	b := []beforetrip.PageMeta{{ID: "countries/japan", Kind: beforetrip.KindCountry}, {ID: "countries/japan/tips/b", Kind: beforetrip.KindTip}}
	idx.Set(a)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 2000 {
			if i%2 == 0 {
				idx.Set(b)
			} else {
				idx.Set(a)
			}
		}
	}()
	for {
		select {
		case <-done:
			a[1].Title = "changed after Set"
			if m, _ := idx.Page("countries/japan/tips/a"); m.Title != "" {
				t.Fatalf("the index shares the slice given to Set: %+v", m)
			}
			return
		default:
		}
		if !idx.Has("countries/japan") {
			t.Fatal("a page of both sets went missing during a swap")
		}
		if m, ok := idx.Page("countries/japan/tips/a"); ok && m.Kind != beforetrip.KindTip {
			t.Fatalf("torn read: %+v", m)
		}
	}
}
