package beforetrip_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

func TestValidSlug(t *testing.T) {
	tests := []struct {
		slug string
		want bool
	}{
		{"jr-pass", true}, {"서울-지하철", true}, {"tip_2", true}, {"ça", true}, {"u-12", true},
		{"", false}, {"Bad", false}, {"a b", false}, {"a/b", false}, {"..", false}, {"a.b", false},
		{"\xff", false}, {strings.Repeat("a", beforetrip.MaxSlugLen), true},
		{strings.Repeat("a", beforetrip.MaxSlugLen+1), false},
	}
	for _, tt := range tests {
		t.Run(tt.slug, func(t *testing.T) {
			if got := beforetrip.ValidSlug(tt.slug); got != tt.want {
				t.Errorf("ValidSlug(%q) = %v, want %v", tt.slug, got, tt.want)
			}
		})
	}
}

func TestReservedSlug(t *testing.T) {
	tests := []struct {
		kind, slug string
		want       bool
	}{
		{beforetrip.KindReview, "u-12", true}, {beforetrip.KindReview, "u-kyoto", true},
		{beforetrip.KindReview, "kyoto", false}, {beforetrip.KindTip, "u-turns", false},
		{beforetrip.KindPage, "countries", true}, {beforetrip.KindPage, "api", true},
		{beforetrip.KindPage, "privacy", false}, {beforetrip.KindPage, "u-12", false}, {beforetrip.KindTip, "search", false},
	}
	for _, tt := range tests {
		if got := beforetrip.ReservedSlug(tt.kind, tt.slug); got != tt.want {
			t.Errorf("ReservedSlug(%q, %q) = %v, want %v", tt.kind, tt.slug, got, tt.want)
		}
	}
}

func TestReaderReviewID(t *testing.T) {
	if got, want := beforetrip.ReaderReviewID("japan", 12), "countries/japan/reviews/u-12"; got != want {
		t.Errorf("ReaderReviewID = %q, want %q", got, want)
	}
	r := beforetrip.Review{ID: 7, Country: "south-korea"}
	if got, want := r.PageID(), "countries/south-korea/reviews/u-7"; got != want {
		t.Errorf("PageID = %q, want %q", got, want)
	}
	tests := []struct {
		page    string
		country string
		id      uint64
		ok      bool
	}{
		{"countries/japan/reviews/u-12", "japan", 12, true},
		{"countries/south-korea/reviews/u-1", "south-korea", 1, true},
		{"countries/japan/reviews/u-012", "", 0, false}, // not canonical
		{"countries/japan/reviews/u-0", "", 0, false},
		{"countries/japan/reviews/u-", "", 0, false},
		{"countries/japan/reviews/u-+1", "", 0, false},
		{"countries/japan/reviews/kyoto", "", 0, false},
		{"countries/japan/tips/u-12", "", 0, false},
		{"countries/japan/reviews/u-12/x", "", 0, false},
		{"countries/japan/reviews/u-18446744073709551616", "", 0, false}, // overflows
		{"u-12", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			country, id, ok := beforetrip.ParseReaderReviewID(tt.page)
			if country != tt.country || id != tt.id || ok != tt.ok {
				t.Errorf("ParseReaderReviewID(%q) = %q, %d, %v; want %q, %d, %v",
					tt.page, country, id, ok, tt.country, tt.id, tt.ok)
			}
			if ok && beforetrip.ReaderReviewID(country, id) != tt.page {
				t.Errorf("round trip of %q gives %q", tt.page, beforetrip.ReaderReviewID(country, id))
			}
		})
	}
}

// wantField checks that err is EINVALID naming field ("" = no error).
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Errorf("got %v, want no error", err)
		}
		return
	}
	var e *beforetrip.Error
	if !errors.As(err, &e) || e.Code != beforetrip.EINVALID || e.Field != field {
		t.Errorf("got %v, want EINVALID on %q", err, field)
	}
}

func TestCommentValidate(t *testing.T) {
	const page = "countries/japan/tips/jr-pass"
	tests := []struct {
		name  string
		c     beforetrip.Comment
		field string
	}{
		{"ok", beforetrip.Comment{Page: page, Body: "Nice."}, ""},
		{"longest", beforetrip.Comment{Page: page, Body: strings.Repeat("가", beforetrip.MaxCommentLen)}, ""},
		{"too long", beforetrip.Comment{Page: page, Body: strings.Repeat("가", beforetrip.MaxCommentLen+1)}, "body"},
		{"blank", beforetrip.Comment{Page: page, Body: " \n\t"}, "body"},
		{"bad UTF-8", beforetrip.Comment{Page: page, Body: "a\xffb"}, "body"},
		{"no page", beforetrip.Comment{Body: "x"}, "page"},
		{"bad page", beforetrip.Comment{Page: "../etc", Body: "x"}, "page"},
		{"deleted has no body", beforetrip.Comment{Page: page, Deleted: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantField(t, tt.c.Validate(), tt.field) })
	}
}

func TestReviewValidate(t *testing.T) {
	ok := func() beforetrip.Review {
		return beforetrip.Review{Country: "japan", Title: "Kyoto in spring", Rating: 4, Body: "Go early."}
	}
	tests := []struct {
		name  string
		edit  func(r *beforetrip.Review)
		field string
	}{
		{"ok", func(r *beforetrip.Review) {}, ""},
		{"no body", func(r *beforetrip.Review) { r.Body = "" }, ""},
		{"longest title", func(r *beforetrip.Review) { r.Title = strings.Repeat("가", beforetrip.MaxReviewTitleLen) }, ""},
		{"long title", func(r *beforetrip.Review) { r.Title = strings.Repeat("가", beforetrip.MaxReviewTitleLen+1) }, "title"},
		{"blank title", func(r *beforetrip.Review) { r.Title = "  " }, "title"},
		{"rating 0", func(r *beforetrip.Review) { r.Rating = 0 }, "rating"},
		{"rating 6", func(r *beforetrip.Review) { r.Rating = 6 }, "rating"},
		{"long body", func(r *beforetrip.Review) { r.Body = strings.Repeat("x", beforetrip.MaxReviewBodyLen+1) }, "body"},
		{"bad UTF-8 body", func(r *beforetrip.Review) { r.Body = "\xff" }, "body"},
		{"no country", func(r *beforetrip.Review) { r.Country = "" }, "country"},
		{"country not a slug", func(r *beforetrip.Review) { r.Country = "a/b" }, "country"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok()
			tt.edit(&r)
			wantField(t, r.Validate(), tt.field)
		})
	}
}

func TestReviewEdit(t *testing.T) {
	title, rating := "  Trimmed  ", 9
	e := beforetrip.ReviewEdit{Title: &title}
	e.Normalize()
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	r := beforetrip.Review{Title: "Old", Rating: 3, Body: "Kept."}
	e.Apply(&r)
	if r.Title != "Trimmed" || r.Rating != 3 || r.Body != "Kept." {
		t.Errorf("after Apply: %+v, want only the title changed (trimmed)", r)
	}
	wantField(t, (&beforetrip.ReviewEdit{Rating: &rating}).Validate(), "rating")
	wantField(t, (&beforetrip.ReviewEdit{}).Validate(), "")
}

func TestNormalizeUsername(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"alice", "alice", true}, {"  Alice_2 ", "alice_2", true}, {"kim-lee", "kim-lee", true},
		{"ab", "", false}, {strings.Repeat("a", 33), "", false}, {"a b c", "", false},
		{"ålice", "", false}, {"al.ice", "", false}, {"аlice", "", false}, // Cyrillic а
		{"bob\u202e", "", false}, {"b\u200bob", "", false},
		{"admin", "", false}, {"Admin", "", false}, {"ad-min", "", false}, {"admin_2", "", false},
		{"root", "", false}, {"moderator", "", false}, {"mod", "", false}, {"beforetrip", "", false},
		{"administrators", "administrators", true}, {"modest", "modest", true}, {"rooted", "rooted", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := beforetrip.NormalizeUsername(tt.in)
			if got != tt.want || (err == nil) != tt.ok {
				t.Errorf("NormalizeUsername(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
			}
			if !tt.ok {
				wantField(t, err, "username")
			}
		})
	}
}

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"kim@Example.COM", "kim@example.com", true}, {" Kim@x.org ", "Kim@x.org", true},
		{"kim", "", false}, {"kim@localhost", "", false}, {"Kim <kim@x.org>", "", false},
		{"kim@x..org", "", false}, {"kim@.x.org", "", false}, {"a@b@x.org", "", false},
		{strings.Repeat("a", 65) + "@x.org", "", false}, {"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := beforetrip.NormalizeEmail(tt.in)
			if got != tt.want || (err == nil) != tt.ok {
				t.Errorf("NormalizeEmail(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
			}
		})
	}
}

func TestComparePopular(t *testing.T) {
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	items := []beforetrip.PopularItem{
		{ID: "countries/japan/tips/b", Likes: 1, Date: day},
		{ID: "countries/japan/reviews/u-2", Likes: 1, Date: day.Add(300 * time.Millisecond)},
		{ID: "countries/japan/tips/a", Likes: 1, Date: day},
		{ID: "countries/japan/reviews/u-1", Likes: 1, Date: day.Add(100 * time.Millisecond)},
		{ID: "countries/japan/tips/old", Likes: 5, Date: day.AddDate(-1, 0, 0)},
		{ID: "countries/japan/tips/undated", Likes: 1},
	}
	slices.SortFunc(items, beforetrip.ComparePopular)
	var got []string
	for _, it := range items {
		got = append(got, it.ID)
	}
	want := []string{
		"countries/japan/tips/old",    // most likes
		"countries/japan/reviews/u-2", // newest, to the nanosecond
		"countries/japan/reviews/u-1",
		"countries/japan/tips/a", // same likes and date: by ID
		"countries/japan/tips/b",
		"countries/japan/tips/undated", // no date: oldest
	}
	if !slices.Equal(got, want) {
		t.Errorf("order\n got %q\nwant %q", got, want)
	}
}

func TestPageLimit(t *testing.T) {
	tests := []struct{ limit, want int }{
		{0, beforetrip.DefaultCommentLimit}, {-1, beforetrip.DefaultCommentLimit},
		{1, 1}, {beforetrip.MaxCommentLimit, beforetrip.MaxCommentLimit},
		{beforetrip.MaxCommentLimit + 1, beforetrip.MaxCommentLimit},
	}
	for _, tt := range tests {
		if got := beforetrip.PageLimit(tt.limit, beforetrip.DefaultCommentLimit, beforetrip.MaxCommentLimit); got != tt.want {
			t.Errorf("PageLimit(%d) = %d, want %d", tt.limit, got, tt.want)
		}
	}
}

func TestValidPageSegment(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"japan", true}, {"tips", true}, {"서울", true},
		{"", false}, {"countries/japan", false}, {"/japan", false}, {"japan/", false},
		{"..", false}, {".", false}, {"a b", false}, {"a\\b", false}, {"\xff", false},
	}
	for _, tt := range tests {
		if got := beforetrip.ValidPageSegment(tt.s); got != tt.want {
			t.Errorf("ValidPageSegment(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestCheckPageKey(t *testing.T) {
	for _, id := range []string{"countries/japan", "countries/japan/tips/jr-pass", "countries/japan/reviews/u-12"} {
		if err := beforetrip.CheckPageKey(id); err != nil {
			t.Errorf("CheckPageKey(%q) = %v, want nil", id, err)
		}
	}
	for _, id := range []string{"", "/countries/japan", "countries//japan", "countries/../x", "a b", "\xff"} {
		err := beforetrip.CheckPageKey(id)
		var e *beforetrip.Error
		if !errors.As(err, &e) || e.Code != beforetrip.EINVALID || e.Field != "page" || e.Message != "malformed page ID" {
			t.Errorf("CheckPageKey(%q) = %#v, want EINVALID on page, \"malformed page ID\"", id, err)
		}
	}
}

func TestValidPageLabel(t *testing.T) {
	for s, want := range map[string]bool{"": true, "tips": true, "japan": true, "서울": true,
		"countries/japan": false, "..": false, "a b": false, "\xff": false} {
		if got := beforetrip.ValidPageLabel(s); got != want {
			t.Errorf("ValidPageLabel(%q) = %v, want %v", s, got, want)
		}
	}
}
