package api

import (
	"strings"

	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

// maxBatchIDs bounds GET /api/pages?ids=.
const maxBatchIDs = 100

type pageResponse struct {
	ID string `json:"id"`
	beforetrip.PageStats
}

// page answers one page's counts. Unknown pages are 404.
func (s *Server) page(c *fiber.Ctx) error {
	id, err := queryPage(c, "id")
	if err != nil {
		return err
	}
	if _, ok := s.svc.Pages.Page(id); !ok {
		return errNoPage
	}
	v, err := s.optionalViewer(c)
	if err != nil {
		return err
	}
	stats, err := s.svc.Likes.PageStats(c.UserContext(), []string{id}, v.id())
	if err != nil {
		return err
	}
	return c.JSON(pageResponse{ID: id, PageStats: stats[id]})
}

var errNoPage = beforetrip.Errorf(beforetrip.ENOTFOUND, "No such page.")

type pagesResponse struct {
	Pages map[string]beforetrip.PageStats `json:"pages"`
}

// pages answers the counts of up to 100 pages in one call (the widget's
// one request per page view). IDs of pages the site does not have are left
// out of the answer rather than failing it: a list page may be a rebuild
// behind the manifest. A malformed ID, an empty one (the home page is asked
// for with /api/page?id=) or more than 100 IDs is 400.
func (s *Server) pages(c *fiber.Ctx) error {
	raw := c.Query("ids")
	var ids []string
	if raw != "" {
		parts := strings.Split(raw, ",")
		if len(parts) > maxBatchIDs {
			return beforetrip.Invalid("ids", "At most %d page IDs per request.", maxBatchIDs)
		}
		seen := make(map[string]bool, len(parts))
		for _, id := range parts {
			id = beforetrip.NormalizePageID(id)
			if id == "" || !beforetrip.ValidPageID(id) {
				return beforetrip.Invalid("ids", "Not a valid page ID: %q.", id)
			}
			if seen[id] {
				continue
			}
			seen[id] = true
			if _, ok := s.svc.Pages.Page(id); ok {
				ids = append(ids, id)
			}
		}
	}
	out := pagesResponse{Pages: map[string]beforetrip.PageStats{}}
	if len(ids) == 0 {
		return c.JSON(out)
	}
	v, err := s.optionalViewer(c)
	if err != nil {
		return err
	}
	stats, err := s.svc.Likes.PageStats(c.UserContext(), ids, v.id())
	if err != nil {
		return err
	}
	for _, id := range ids {
		out.Pages[id] = stats[id]
	}
	return c.JSON(out)
}
