package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

type forgotRequest struct {
	Login string `json:"login"`
}

type resetRequest struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

type changePasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	Password        string `json:"password"`
}

type okResponse struct {
	OK bool `json:"ok"`
}

// accepted is the answer of every request that queues a mail.
func accepted(c *fiber.Ctx) error {
	return c.Status(http.StatusAccepted).JSON(okResponse{OK: true})
}

// link is an absolute URL of the site with the token in the fragment, so
// the token never reaches a server log or a Referer header.
func (s *Server) link(path, token string) string {
	return s.cfg.BaseURL + path + "#token=" + token
}

// forgotPassword mails a reset link to the account login names. The answer
// is 202 whether or not there is such an account, and takes as long
// (QueueTokenMail commits in both cases); at most 5 mails an hour go to
// one account and are asked for from one IP.
func (s *Server) forgotPassword(c *fiber.Ctx) error {
	var req forgotRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	login := strings.ToLower(strings.TrimSpace(req.Login))
	if login == "" || len(login) > 254 {
		return beforetrip.Invalid("login", "Enter your username or email.")
	}
	if err := s.limits.mailRequest(c, s.clientKey(c)); err != nil {
		return err
	}
	now := s.tokens.now()
	err := s.svc.Mail.QueueTokenMail(c.UserContext(), login, func(u *beforetrip.User) (*beforetrip.AccountToken, []beforetrip.Mail) {
		if !s.limits.accountMail(u.ID) {
			return nil, nil
		}
		raw, tok := beforetrip.NewAccountToken(beforetrip.TokenReset, u.ID, u.Email, now, beforetrip.ResetTokenTTL)
		return tok, []beforetrip.Mail{{Kind: beforetrip.MailReset, To: u.Email, Username: u.Username,
			Link: s.link("account/reset/", raw)}}
	})
	if err != nil {
		return err
	}
	return accepted(c)
}

// resetPassword sets a new password with a mailed token (single use) and
// revokes every session of the account; it logs in nowhere.
func (s *Server) resetPassword(c *fiber.Ctx) error {
	var req resetRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	proof, err := beforetrip.ParseAccountToken(req.Token)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	u, err := s.svc.Accounts.TokenUser(ctx, proof, beforetrip.TokenReset)
	if err != nil {
		return err
	}
	if err := checkPassword(req.Password, u.Username, u.Email); err != nil {
		return err
	}
	if _, err := s.svc.Accounts.ResetPassword(ctx, proof, s.hasher.hash(req.Password)); err != nil {
		return err
	}
	return c.JSON(okResponse{OK: true})
}

// changePassword sets a new password after checking the current one (under
// the failed-login limits: it is a password oracle too) and revokes every
// other session of the account.
func (s *Server) changePassword(c *fiber.Ctx) error {
	var req changePasswordRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	v := viewerOf(c)
	if err := s.checkCurrentPassword(c, v.user, req.CurrentPassword, "current_password"); err != nil {
		return err
	}
	if err := checkPassword(req.Password, v.user.Username, v.user.Email); err != nil {
		return err
	}
	if err := s.svc.Accounts.ChangePassword(c.UserContext(), v.user.ID, s.hasher.hash(req.Password), v.sessionID); err != nil {
		return err
	}
	return c.JSON(okResponse{OK: true})
}

// checkCurrentPassword confirms a sensitive change with the account's
// password, counted like a login attempt.
func (s *Server) checkCurrentPassword(c *fiber.Ctx, u *beforetrip.User, password, field string) error {
	if password == "" || len(password) > maxPasswordLen {
		return beforetrip.Invalid(field, "Enter your current password.")
	}
	ip := s.clientKey(c)
	if err := s.limits.loginAttempt(c, ip, u.Username); err != nil {
		return err
	}
	if !s.hasher.verify(u.PasswordHash, password) {
		return beforetrip.Invalid(field, "Wrong password.")
	}
	return s.limits.loginSucceeded(c.UserContext(), ip, u.Username, u.ID)
}

// verifyTokenMail is the compose step of a verification mail for the
// account's address (kind MailVerify) or a new one (MailEmailChange, with a
// notice to the old address).
func (s *Server) verifyTokenMail(email string, now time.Time) beforetrip.TokenMailFunc {
	return func(u *beforetrip.User) (*beforetrip.AccountToken, []beforetrip.Mail) {
		raw, tok := beforetrip.NewAccountToken(beforetrip.TokenVerify, u.ID, email, now, beforetrip.VerifyTokenTTL)
		link := s.link("account/verify/", raw)
		if email == u.Email {
			return tok, []beforetrip.Mail{{Kind: beforetrip.MailVerify, To: email, Username: u.Username, Link: link}}
		}
		return tok, []beforetrip.Mail{
			{Kind: beforetrip.MailEmailChange, To: email, Username: u.Username, Link: link, Email: email},
			{Kind: beforetrip.MailEmailChanged, To: u.Email, Username: u.Username, Email: email},
		}
	}
}
