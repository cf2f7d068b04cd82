package api

import (
	"fmt"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

// TestDecomposedPageID sends every page ID and country decomposed (NFD,
// as macOS and some Korean keyboards produce it) and checks that each one
// names the page the builder published in NFC: likes, counts, comments,
// reviews and popular all land on and find the same page.
func TestDecomposedPageID(t *testing.T) {
	const (
		country    = "한국"
		countryNFD = "\u1112\u1161\u11ab\u1100\u116e\u11a8"
		tip        = "countries/한국/tips/교통"
		tipNFD     = "countries/" + countryNFD + "/tips/\u1100\u116d\u1110\u1169\u11bc"
	)
	ts := MustServer(t)
	ts.Index.Set(append(append([]beforetrip.PageMeta{}, testPages...),
		beforetrip.PageMeta{ID: "countries/" + country, Kind: beforetrip.KindCountry, Title: "한국",
			URL: "/countries/한국/", Country: country},
		beforetrip.PageMeta{ID: tip, Kind: beforetrip.KindTip, Title: "교통", URL: "/countries/한국/tips/교통/",
			Section: beforetrip.SectionTips, Country: country, Date: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)}))
	c, _ := ts.MustUser(t, "ivy")

	c.do("PUT", pagePath(tipNFD), nil).want(t, 200, "")
	if got := ts.Changes(); len(got) != 1 || got[0].Page != tip {
		t.Fatalf("changes after a like of the NFD ID = %+v, want one for %q", got, tip)
	}
	var p pageResponse
	c.do("GET", "/api/page?id="+q(tip), nil).decode(t, &p)
	if p.ID != tip || p.Likes != 1 || !p.Liked {
		t.Fatalf("page (NFC) after a like of the NFD ID = %+v", p)
	}
	c.do("GET", "/api/page?id="+q(tipNFD), nil).decode(t, &p)
	if p.ID != tip || p.Likes != 1 {
		t.Fatalf("page (NFD) = %+v, want the NFC page with 1 like", p)
	}
	var ps pagesResponse
	c.do("GET", "/api/pages?ids="+q(tipNFD), nil).decode(t, &ps)
	if st, ok := ps.Pages[tip]; !ok || st.Likes != 1 || len(ps.Pages) != 1 {
		t.Fatalf("pages?ids=NFD = %+v, want the NFC page with 1 like", ps.Pages)
	}

	var pop popularResponse
	c.do("GET", "/api/popular?country="+q(countryNFD), nil).decode(t, &pop)
	if len(pop.Items) != 1 || pop.Items[0].ID != tip {
		t.Fatalf("popular?country=NFD = %+v, want the liked tip", pop.Items)
	}

	c.do("POST", "/api/comments", map[string]any{"page": tipNFD, "body": "교통카드는 편의점에서"}).want(t, 201, "")
	var cp beforetrip.CommentPage
	c.do("GET", "/api/comments?page="+q(tip), nil).decode(t, &cp)
	if len(cp.Comments) != 1 || cp.Comments[0].Page != tip {
		t.Fatalf("comments of the NFC page after a comment on the NFD ID = %+v", cp.Comments)
	}
	c.do("GET", "/api/comments?page="+q(tipNFD), nil).decode(t, &cp)
	if len(cp.Comments) != 1 {
		t.Fatalf("comments?page=NFD = %+v, want the one comment", cp.Comments)
	}

	var rr reviewResponse
	r := c.do("POST", "/api/reviews", map[string]any{"country": countryNFD, "title": "좋아요", "rating": 5})
	r.want(t, 201, "")
	r.decode(t, &rr)
	if rr.Review.Country != country {
		t.Fatalf("review country = %+q, want %+q (NFC)", rr.Review.Country, country)
	}
	var rp beforetrip.ReviewPage
	c.do("GET", "/api/reviews?country="+q(countryNFD), nil).decode(t, &rp)
	if len(rp.Reviews) != 1 || rp.Reviews[0].Country != country {
		t.Fatalf("reviews?country=NFD = %+v, want the one review", rp.Reviews)
	}
	c.do("PATCH", fmt.Sprintf("/api/reviews/%d", rr.Review.ID), map[string]any{"country": countryNFD, "title": "아주 좋아요"}).want(t, 200, "")
}
