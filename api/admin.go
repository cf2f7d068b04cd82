package api

import (
	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

// pending lists comments awaiting approval, oldest first (admins only);
// GET /api/admin/queue is the fuller view.
func (s *Server) pending(c *fiber.Ctx) error {
	limit, err := queryLimit(c, beforetrip.DefaultCommentLimit, beforetrip.MaxCommentLimit)
	if err != nil {
		return err
	}
	page, err := s.svc.Comments.PendingComments(c.UserContext(), c.Query("cursor"), limit)
	if err != nil {
		return err
	}
	if page.Comments == nil {
		page.Comments = []beforetrip.Comment{}
	}
	return c.JSON(page)
}

// queue lists the pending or the reported queue, oldest first, each item
// with its page's title and its open reports.
func (s *Server) queue(c *fiber.Ctx) error {
	limit, err := queryLimit(c, beforetrip.DefaultQueueLimit, beforetrip.MaxQueueLimit)
	if err != nil {
		return err
	}
	kind := beforetrip.QueueKind(c.Query("kind", string(beforetrip.QueuePending)))
	page, err := s.svc.Moderation.Queue(c.UserContext(), kind, c.Query("cursor"), limit)
	if err != nil {
		return err
	}
	for i := range page.Items {
		it := &page.Items[i]
		if it.Review != nil {
			it.PageTitle = it.Review.Title
		} else if m, ok := s.svc.Pages.Page(it.Page); ok {
			it.PageTitle = m.Title
		}
	}
	return c.JSON(page)
}

type decisionRequest struct {
	Reason string `json:"reason"`
}

// decide returns the handler of one decision on one kind of item: approve,
// reject (with an optional reason the author sees) or restore.
func (s *Server) decide(kind beforetrip.ItemKind, d beforetrip.Decision) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		var req decisionRequest
		if len(c.Body()) > 0 {
			if err := decodeJSON(c, &req); err != nil {
				return err
			}
		}
		res, err := s.svc.Moderation.Decide(c.UserContext(), author(viewerOf(c).user), kind, id, d, req.Reason)
		if err != nil {
			return err
		}
		s.Moderated(c.UserContext(), res)
		if res.Comment != nil {
			return c.JSON(commentResponse{Comment: res.Comment})
		}
		return c.JSON(reviewResponse{Review: res.Review})
	}
}

// maxAuditPage is the most audit entries one API request gets: 100, as
// every list of the API (docs/openapi.yaml's limit parameter), although
// the store allows beforetrip.MaxAuditLimit.
const maxAuditPage = 100

// audit lists the audit log, newest first (admins).
func (s *Server) audit(c *fiber.Ctx) error {
	limit, err := queryLimit(c, beforetrip.DefaultAuditLimit, maxAuditPage)
	if err != nil {
		return err
	}
	page, err := s.svc.Moderation.Audit(c.UserContext(), c.Query("cursor"), limit)
	if err != nil {
		return err
	}
	return c.JSON(page)
}
