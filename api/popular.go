package api

import (
	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

// Popular list sizes.
const (
	defaultPopularLimit = 20
	maxPopularLimit     = 100
	// popularSlack is how many extra entries are asked of the index, so
	// pages deleted since they were liked do not shorten the answer.
	popularSlack = 20
)

type popularItem struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	URL   string `json:"url"`
	Likes int64  `json:"likes"`
}

type popularResponse struct {
	Items []popularItem `json:"items"`
}

// popular ranks liked pages, most liked first, ties newest first, from the
// store's incremental index, with titles and URLs from the page index.
func (s *Server) popular(c *fiber.Ctx) error {
	limit, err := queryLimit(c, defaultPopularLimit, maxPopularLimit)
	if err != nil {
		return err
	}
	country, err := queryCountry(c)
	if err != nil {
		return err
	}
	q := beforetrip.PopularQuery{Section: c.Query("section"), Country: country, Limit: limit + popularSlack}
	switch q.Section {
	case "", beforetrip.SectionTips, beforetrip.SectionReviews:
	default:
		return beforetrip.Invalid("section", "section must be tips or reviews.")
	}
	ranked, err := s.svc.Popular.Popular(c.UserContext(), q)
	if err != nil {
		return err
	}
	out := popularResponse{Items: make([]popularItem, 0, limit)}
	for _, it := range ranked {
		if len(out.Items) == limit {
			break
		}
		meta, ok := s.svc.Pages.Page(it.ID)
		if !ok {
			continue
		}
		out.Items = append(out.Items, popularItem{ID: it.ID, Title: meta.Title, URL: meta.URL, Likes: it.Likes})
	}
	return c.JSON(out)
}
