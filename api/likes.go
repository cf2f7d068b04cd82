package api

import (
	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

type likeResponse struct {
	Likes int64 `json:"likes"`
	Liked bool  `json:"liked"`
}

func (s *Server) like(c *fiber.Ctx) error   { return s.setLike(c, true) }
func (s *Server) unlike(c *fiber.Ctx) error { return s.setLike(c, false) }

// setLike likes or unlikes ?page= for the viewer, idempotently. The
// rebuild worker is told only when the count changed: the viewer's state
// is read first, so a repeated like costs no rebuild. (Two racing requests
// of one user, like and unlike, may leave one change unannounced; the next
// change of that page announces it.)
func (s *Server) setLike(c *fiber.Ctx, liked bool) error {
	id, err := queryPage(c, "page")
	if err != nil {
		return err
	}
	meta, ok := s.svc.Pages.Page(id)
	if !ok {
		return errNoPage
	}
	uid := viewerOf(c).id()
	ctx := c.UserContext()
	before, err := s.svc.Likes.PageStats(ctx, []string{id}, uid)
	if err != nil {
		return err
	}
	n, err := s.svc.Likes.SetLike(ctx, meta, uid, liked)
	if err != nil {
		return err
	}
	if b := before[id]; b.Liked != liked || b.Likes != n {
		s.notify(beforetrip.Change{Kind: beforetrip.ChangeLikes, Page: id})
	}
	return c.JSON(likeResponse{Likes: n, Liked: liked})
}
