package api

import (
	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

// pending lists comments awaiting approval, oldest first (admins only).
func (s *Server) pending(c *fiber.Ctx) error {
	limit, err := queryLimit(c, defaultCommentLimit, maxCommentLimit)
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

// approve publishes a pending comment; approving twice is not an error.
func (s *Server) approve(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var published bool
	cm, err := s.svc.Comments.UpdateComment(c.UserContext(), id, func(cm *beforetrip.Comment) error {
		published = cm.Pending && !cm.Deleted
		cm.Pending = false
		return nil
	})
	if err != nil {
		return err
	}
	if published {
		s.notify(beforetrip.Change{Kind: beforetrip.ChangeComments, Page: cm.Page})
	}
	return c.JSON(commentResponse{Comment: cm})
}

// approveReview publishes a pending reader review: it becomes a page and
// the rebuild worker renders it. Approving twice is not an error.
func (s *Server) approveReview(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var published bool
	r, err := s.svc.Reviews.UpdateReview(c.UserContext(), id, func(r *beforetrip.Review) error {
		published = r.Pending
		r.Pending = false
		return nil
	})
	if err != nil {
		return err
	}
	if published {
		s.notify(beforetrip.Change{Kind: beforetrip.ChangeReview, Page: r.PageID(), Country: r.Country})
	}
	return c.JSON(reviewResponse{Review: r})
}
