package api

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

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
	if len(ids) == 0 {
		return sendJSON(c, appendPagesJSON(nil, nil, nil))
	}
	v, err := s.optionalViewer(c)
	if err != nil {
		return err
	}
	stats, err := s.svc.Likes.PageStats(c.UserContext(), ids, v.id())
	if err != nil {
		return err
	}
	return sendJSON(c, appendPagesJSON(make([]byte, 0, 64+len(raw)+48*len(ids)), ids, stats))
}

// sendJSON answers 200 with body, already JSON.
func sendJSON(c *fiber.Ctx, body []byte) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(body)
}

// appendPagesJSON appends {"pages":{ID:stats,…}} for ids (distinct) to b:
// the bytes encoding/json writes for that map (keys sorted, IDs escaped as
// it escapes them), without its reflection over the map, which was a fifth
// of the read path (issue 20). ids is sorted in place.
func appendPagesJSON(b []byte, ids []string, stats map[string]beforetrip.PageStats) []byte {
	slices.Sort(ids)
	b = append(b, `{"pages":{`...)
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, id)
		st := stats[id]
		b = append(b, `:{"likes":`...)
		b = strconv.AppendInt(b, st.Likes, 10)
		b = append(b, `,"comments":`...)
		b = strconv.AppendInt(b, st.Comments, 10)
		b = append(b, `,"liked":`...)
		b = strconv.AppendBool(b, st.Liked)
		b = append(b, '}')
	}
	return append(b, "}}"...)
}

// appendJSONString appends s quoted as encoding/json quotes it: plain
// printable ASCII as is, anything else (non-ASCII, quotes, HTML
// characters) through encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
