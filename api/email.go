package api

import (
	"strings"

	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

type verifyRequest struct {
	Token string `json:"token"`
}

type changeEmailRequest struct {
	Password string `json:"password"`
	Email    string `json:"email"`
}

// verifyEmail confirms an address with a mailed token. No login is needed:
// the link may be opened in another browser than the one that registered.
func (s *Server) verifyEmail(c *fiber.Ctx) error {
	var req verifyRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	proof, err := beforetrip.ParseAccountToken(req.Token)
	if err != nil {
		return err
	}
	u, err := s.svc.Accounts.VerifyEmail(c.UserContext(), proof)
	if err != nil {
		if beforetrip.ErrorCode(err) == beforetrip.ECONFLICT {
			return beforetrip.Errorf(beforetrip.ECONFLICT, "Another account uses this email now.")
		}
		return err
	}
	return c.JSON(userResponse{User: ownUser(u)})
}

// sendVerification queues a verification mail for the account's current
// address; registration and resend use it.
func (s *Server) sendVerification(c *fiber.Ctx, u *beforetrip.User) error {
	return s.svc.Mail.QueueTokenMail(c.UserContext(), u.Username, func(cur *beforetrip.User) (*beforetrip.AccountToken, []beforetrip.Mail) {
		if cur.EmailVerified || !s.limits.accountMail(cur.ID) {
			return nil, nil
		}
		return s.verifyTokenMail(cur.Email, s.tokens.now())(cur)
	})
}

// resendVerification mails a new verification link (202; nothing is sent
// when the address is verified already or the hourly limit is reached).
func (s *Server) resendVerification(c *fiber.Ctx) error {
	if err := s.limits.mailRequest(c, s.clientKey(c)); err != nil {
		return err
	}
	if err := s.sendVerification(c, viewerOf(c).user); err != nil {
		return err
	}
	return accepted(c)
}

// changeEmail mails a verification link to the new address, which becomes
// the account's email only when verified; the old address is told.
func (s *Server) changeEmail(c *fiber.Ctx) error {
	var req changeEmailRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	v := viewerOf(c)
	email, err := beforetrip.NormalizeEmail(req.Email)
	if err != nil {
		return err
	}
	if err := s.checkCurrentPassword(c, v.user, req.Password, "password"); err != nil {
		return err
	}
	if strings.EqualFold(email, v.user.Email) {
		return beforetrip.Invalid("email", "This is your email already.")
	}
	ctx := c.UserContext()
	if other, err := s.svc.Users.UserByLogin(ctx, email); err == nil && other.ID != v.user.ID {
		return beforetrip.Errorf(beforetrip.ECONFLICT, "Another account uses this email.")
	} else if err != nil && beforetrip.ErrorCode(err) != beforetrip.ENOTFOUND {
		return err
	}
	if err := s.limits.mailRequest(c, s.clientKey(c)); err != nil {
		return err
	}
	err = s.svc.Mail.QueueTokenMail(ctx, v.user.Username, func(cur *beforetrip.User) (*beforetrip.AccountToken, []beforetrip.Mail) {
		if !s.limits.accountMail(cur.ID) {
			return nil, nil
		}
		return s.verifyTokenMail(email, s.tokens.now())(cur)
	})
	if err != nil {
		return err
	}
	return accepted(c)
}

// verified wraps handlers that publish reader text (comments, reviews):
// with accounts.require_verified_email, an unverified account is refused.
func (s *Server) verified(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if s.cfg.RequireVerifiedEmail && !viewerOf(c).user.EmailVerified {
			return beforetrip.Errorf(beforetrip.EFORBIDDEN,
				"Verify your email first: follow the link we mailed you (or ask for a new one on your account page).")
		}
		return h(c)
	}
}
