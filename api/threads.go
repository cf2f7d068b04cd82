package api

import (
	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

// lockPage returns the handler that locks (read-only thread) or unlocks
// the thread of ?page=.
func (s *Server) lockPage(locked bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := queryPage(c, "page")
		if err != nil {
			return err
		}
		if !s.svc.Pages.Has(id) {
			return errNoPage
		}
		if err := s.svc.Moderation.LockPage(c.UserContext(), author(viewerOf(c).user), id, locked); err != nil {
			return err
		}
		return c.JSON(fiber.Map{"page": id, "locked": locked})
	}
}

// lockedPages lists the locked threads with their titles.
func (s *Server) lockedPages(c *fiber.Ctx) error {
	ids, err := s.svc.Moderation.LockedPages(c.UserContext())
	if err != nil {
		return err
	}
	type lockedPage struct {
		ID    string `json:"id"`
		Title string `json:"title"`
		URL   string `json:"url"`
	}
	out := []lockedPage{}
	for _, id := range ids {
		p := lockedPage{ID: id, URL: beforetrip.PageURL(id)}
		if m, ok := s.svc.Pages.Page(id); ok {
			p.Title = m.Title
		}
		out = append(out, p)
	}
	return c.JSON(fiber.Map{"pages": out})
}

// pinComment returns the handler that pins a comment to the top of its
// thread or unpins it.
func (s *Server) pinComment(pinned bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		cm, err := s.svc.Moderation.PinComment(c.UserContext(), author(viewerOf(c).user), id, pinned)
		if err != nil {
			return err
		}
		return c.JSON(commentResponse{Comment: cm})
	}
}
