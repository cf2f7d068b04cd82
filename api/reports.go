package api

import (
	"context"
	"net/http"

	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

type reportRequest struct {
	Reason beforetrip.ReportReason `json:"reason"`
	Text   string                  `json:"text"`
}

// reportComment and reportReview let a logged-in reader report someone
// else's item once; at comments.hide_after_reports open reports it is
// hidden until a moderator decides.
func (s *Server) reportComment(c *fiber.Ctx) error { return s.report(c, beforetrip.ItemComment) }

func (s *Server) reportReview(c *fiber.Ctx) error { return s.report(c, beforetrip.ItemReview) }

func (s *Server) report(c *fiber.Ctx, kind beforetrip.ItemKind) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req reportRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	r := &beforetrip.Report{Kind: kind, ItemID: id, Reporter: author(viewerOf(c).user), Reason: req.Reason, Text: req.Text}
	if err := r.Validate(); err != nil {
		return err
	}
	res, err := s.svc.Moderation.Report(c.UserContext(), r, s.cfg.HideAfterReports)
	if err != nil {
		return err
	}
	s.announce(res)
	return c.Status(http.StatusAccepted).JSON(fiber.Map{"reported": true})
}

// announce tells the rebuild worker about a moderation step that changed
// what the site shows.
func (s *Server) announce(res *beforetrip.ModResult) {
	if ch, ok := res.Change(); ok {
		s.notify(ch)
	}
}

// Moderated follows up a moderation step made outside the API (the admin
// socket of the command line) as the API's own routes do: it announces
// what the site shows differently and sends the reply notification of an
// approved pending reply.
func (s *Server) Moderated(ctx context.Context, res *beforetrip.ModResult) {
	s.announce(res)
	if res != nil && res.FirstShown && res.Comment != nil {
		s.notifyReply(ctx, res.Comment)
	}
}
