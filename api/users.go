package api

import (
	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

// listUsers lists users whose name or email starts with ?q= (admins).
func (s *Server) listUsers(c *fiber.Ctx) error {
	limit, err := queryLimit(c, beforetrip.DefaultUserLimit, beforetrip.MaxUserLimit)
	if err != nil {
		return err
	}
	page, err := s.svc.Moderation.Users(c.UserContext(), beforetrip.UserQuery{Prefix: c.Query("q"),
		Cursor: c.Query("cursor"), Limit: limit})
	if err != nil {
		return err
	}
	return c.JSON(page)
}

type blockRequest struct {
	Days   int    `json:"days"` // 0: for good
	Reason string `json:"reason"`
}

// blockUser blocks a user for days days (or for good) with a reason they
// see on every write.
func (s *Server) blockUser(c *fiber.Ctx) error {
	var req blockRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	b, err := beforetrip.BlockFor(s.tokens.now(), req.Days, req.Reason)
	if err != nil {
		return err
	}
	if err := s.svc.Moderation.Block(c.UserContext(), author(viewerOf(c).user), c.Params("name"), b); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) unblockUser(c *fiber.Ctx) error {
	if err := s.svc.Moderation.Unblock(c.UserContext(), author(viewerOf(c).user), c.Params("name")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type roleRequest struct {
	Role beforetrip.Role `json:"role"`
}

func (s *Server) setUserRole(c *fiber.Ctx) error {
	var req roleRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := s.svc.Moderation.ChangeRole(c.UserContext(), author(viewerOf(c).user), c.Params("name"), req.Role); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// purgeUser removes all of a user's comments (placeholders stay) and
// reviews, and schedules the rebuilds they need.
func (s *Server) purgeUser(c *fiber.Ctx) error {
	res, err := s.svc.Moderation.PurgeUser(c.UserContext(), author(viewerOf(c).user), c.Params("name"))
	if err != nil {
		return err
	}
	comments, reviews := 0, 0
	for i := range res {
		s.announce(&res[i])
		if res[i].Comment != nil {
			comments++
		} else {
			reviews++
		}
	}
	return c.JSON(fiber.Map{"comments": comments, "reviews": reviews})
}
