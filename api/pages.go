package api

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	if !s.svc.Pages.Has(id) {
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
	ids, err := s.knownPages(c.Query("ids"))
	if err != nil {
		return err
	}
	buf := pagesBuffers.Get().(*[]byte)
	defer pagesBuffers.Put(buf)
	if len(ids) == 0 {
		return sendJSONCopy(c, appendPagesJSON((*buf)[:0], nil, nil))
	}
	v, err := s.optionalViewer(c)
	if err != nil {
		return err
	}
	stats, err := s.svc.Likes.PageStats(c.UserContext(), ids, v.id())
	if err != nil {
		return err
	}
	*buf = appendPagesJSON((*buf)[:0], ids, stats)
	return sendJSONCopy(c, *buf)
}

// knownPages parses the ids parameter of GET /api/pages: every ID
// normalised and checked (the first bad one is the 400), then the distinct
// ones the site has, sorted. An ID the site has is looked up as sent first:
// the builder gives pages normalised, valid IDs, so one found needs neither
// step, and the widget sends the IDs as the pages name them. It allocates
// only the slice it returns: this runs for every page view, and each
// allocation here is garbage collected while requests wait (issue 20).
func (s *Server) knownPages(raw string) ([]string, error) {
	if raw == "" {
		return nil, nil
	}
	n := strings.Count(raw, ",") + 1
	if n > maxBatchIDs {
		return nil, beforetrip.Invalid("ids", "At most %d page IDs per request.", maxBatchIDs)
	}
	ids := make([]string, 0, n)
	for id := range strings.SplitSeq(raw, ",") {
		if id == "" || !s.svc.Pages.Has(id) {
			id = beforetrip.NormalizePageID(id)
			if id == "" || !beforetrip.ValidPageID(id) {
				return nil, beforetrip.Invalid("ids", "Not a valid page ID: %q.", id)
			}
			if !s.svc.Pages.Has(id) {
				continue
			}
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// pagesBuffers holds the buffers GET /api/pages writes its answer in; the
// response keeps a copy (sendJSONCopy), so a buffer is reused at once.
var pagesBuffers = sync.Pool{New: func() any {
	b := make([]byte, 0, 4<<10)
	return &b
}}

// sendJSONCopy answers 200 with a copy of body, already JSON, in the
// response's own (pooled) buffer, so the caller may reuse body.
func sendJSONCopy(c *fiber.Ctx, body []byte) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	c.Response().SetBody(body)
	return nil
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
