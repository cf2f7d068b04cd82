package api

import (
	"fmt"

	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

type updateMeRequest struct {
	NotifyReplies *bool `json:"notify_replies"`
}

type deleteMeRequest struct {
	Password string `json:"password"`
}

// updateMe changes the account's preferences: notify_replies.
func (s *Server) updateMe(c *fiber.Ctx) error {
	var req updateMeRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.NotifyReplies == nil {
		return beforetrip.Invalid("notify_replies", "Say notify_replies: true or false.")
	}
	u, err := s.svc.Accounts.SetNotifyReplies(c.UserContext(), viewerOf(c).user.ID, *req.NotifyReplies)
	if err != nil {
		return err
	}
	return c.JSON(userResponse{User: ownUser(u)})
}

// exportMe downloads everything stored about the account as JSON.
func (s *Server) exportMe(c *fiber.Ctx) error {
	u := viewerOf(c).user
	data, err := s.svc.Accounts.ExportAccount(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="beforetrip-%s.json"`, u.Username))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(data)
}

// deleteMe deletes the account after checking its password; its pages'
// counts and reader reviews follow through the usual rebuilds.
func (s *Server) deleteMe(c *fiber.Ctx) error {
	var req deleteMeRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	v := viewerOf(c)
	if err := s.checkCurrentPassword(c, v.user, req.Password, "password"); err != nil {
		return err
	}
	changes, err := s.svc.Accounts.DeleteAccount(c.UserContext(), v.user.ID)
	if err != nil {
		return err
	}
	for _, ch := range changes {
		s.notify(ch)
	}
	if !v.bearer {
		s.clearSessionCookies(c)
	}
	return c.JSON(okResponse{OK: true})
}
