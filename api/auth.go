package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

type registerRequest struct {
	Username string `json:"username"`
	Email    string `json:"email"`
	Password string `json:"password"`
}

type loginRequest struct {
	Login    string `json:"login"`
	Password string `json:"password"`
}

type userResponse struct {
	User beforetrip.User `json:"user"`
}

// register creates a reader account and logs it in. A taken name or email
// is 409 with one generic message: the form must say the account cannot
// be created, which tells an attacker some account exists, but not which
// of the two fields matched (login errors leak nothing; see login).
func (s *Server) register(c *fiber.Ctx) error {
	if err := s.limits.registration(c, s.clientKey(c)); err != nil {
		return err
	}
	var req registerRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	name, err := beforetrip.NormalizeUsername(req.Username)
	if err != nil {
		return err
	}
	email, err := beforetrip.NormalizeEmail(req.Email)
	if err != nil {
		return err
	}
	if err := checkPassword(req.Password, name, email); err != nil {
		return err
	}
	u := &beforetrip.User{Username: name, Email: email, Role: beforetrip.RoleReader,
		PasswordHash: s.hasher.hash(req.Password)}
	if err := s.svc.Users.CreateUser(c.UserContext(), u); err != nil {
		if beforetrip.ErrorCode(err) == beforetrip.ECONFLICT {
			return beforetrip.Errorf(beforetrip.ECONFLICT, "Username or email already registered.")
		}
		return err
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	// The account exists now; a mail that could not be queued is asked
	// for again from the account page (resend).
	if err := s.sendVerification(c, u); err != nil {
		s.log.Error("api: queueing the verification mail failed", "user", u.ID, "err", err)
	}
	return c.Status(http.StatusCreated).JSON(userResponse{User: ownUser(u)})
}

var errLogin = beforetrip.Errorf(beforetrip.EUNAUTHENTICATED, "Wrong login or password.")

// checkLogin verifies credentials under the failed-login limits. Unknown
// users cost one dummy hash, so timing and text are the same as for a
// wrong password.
func (s *Server) checkLogin(c *fiber.Ctx) (*beforetrip.User, error) {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		return nil, err
	}
	login := strings.ToLower(strings.TrimSpace(req.Login))
	if login == "" || len(login) > 254 {
		return nil, beforetrip.Invalid("login", "Enter your username or email.")
	}
	if req.Password == "" || len(req.Password) > maxPasswordLen {
		return nil, beforetrip.Invalid("password", "Enter your password.")
	}
	ip := s.clientKey(c)
	if err := s.limits.loginAttempt(c, ip, login); err != nil {
		return nil, err
	}
	u, err := s.svc.Users.UserByLogin(c.UserContext(), login)
	if err != nil && beforetrip.ErrorCode(err) != beforetrip.ENOTFOUND {
		return nil, err
	}
	// An account locked by guesses under its other spelling (username or
	// e-mail) answers like an unknown user: see limits.accountAttempt.
	allowed := false
	if u != nil && err == nil {
		if allowed, err = s.limits.accountAttempt(c.UserContext(), u.ID); err != nil {
			return nil, err
		}
	}
	if !allowed {
		s.hasher.verify(s.hasher.dummy(), req.Password)
		return nil, errLogin
	}
	if !s.hasher.verify(u.PasswordHash, req.Password) {
		return nil, errLogin
	}
	if err := s.limits.loginSucceeded(c.UserContext(), ip, login, u.ID); err != nil {
		return nil, err
	}
	if u.IsBlocked(s.tokens.now()) {
		return nil, blocked(u)
	}
	return u, nil
}

// login starts a browser session (cookies).
func (s *Server) login(c *fiber.Ctx) error {
	u, err := s.checkLogin(c)
	if err != nil {
		return err
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	return c.JSON(userResponse{User: ownUser(u)})
}

// startSession stores a new browser session and sets its cookies, with a
// fresh CSRF token.
func (s *Server) startSession(c *fiber.Ctx, u *beforetrip.User) error {
	refresh := randomToken(32)
	now := s.tokens.now()
	sess := &beforetrip.Session{ID: randomToken(16), UserID: u.ID, TokenHash: hashRefresh(refresh),
		CreatedAt: now, ExpiresAt: now.Add(refreshTTL)}
	if err := s.svc.Sessions.CreateSession(c.UserContext(), sess); err != nil {
		return err
	}
	access, err := s.tokens.issue(u, sess.ID, accessTTL)
	if err != nil {
		return err
	}
	s.setSessionCookies(c, access, refresh, sess.ID)
	return nil
}

// refresh rotates the refresh token and issues a new access token. A
// reused (already rotated) token makes the store revoke the session.
func (s *Server) refresh(c *fiber.Ctx) error {
	old := c.Cookies(cookieRefresh)
	if old == "" {
		return beforetrip.Errorf(beforetrip.EUNAUTHENTICATED, "No session; log in.")
	}
	next := randomToken(32)
	ctx := c.UserContext()
	sess, err := s.svc.Sessions.RotateSession(ctx, hashRefresh(old), hashRefresh(next), s.tokens.now().Add(refreshTTL))
	if err != nil {
		if beforetrip.ErrorCode(err) == beforetrip.EUNAUTHENTICATED {
			s.clearSessionCookies(c)
		}
		return err
	}
	u, err := s.svc.Users.UserByID(ctx, sess.UserID)
	if err != nil {
		return err
	}
	if u.IsBlocked(s.tokens.now()) {
		s.clearSessionCookies(c)
		return blocked(u)
	}
	access, err := s.tokens.issue(u, sess.ID, accessTTL)
	if err != nil {
		return err
	}
	s.setSessionCookies(c, access, next, sess.ID)
	return c.JSON(userResponse{User: ownUser(u)})
}

// logout revokes the session named by the access token, or, when that has
// expired, the one the refresh token belongs to, and clears the cookies.
// Without any session it still clears them: logging out is idempotent.
func (s *Server) logout(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sid := ""
	raw, bearer := bearerToken(c)
	if !bearer {
		raw = c.Cookies(cookieAccess)
	}
	if raw != "" {
		if _, id, err := s.tokens.parse(raw); err == nil {
			sid = id
		}
	}
	if old := c.Cookies(cookieRefresh); sid == "" && old != "" && !bearer {
		// Rotating to a throwaway hash finds the session; it is revoked next.
		if sess, err := s.svc.Sessions.RotateSession(ctx, hashRefresh(old),
			hashRefresh(randomToken(32)), s.tokens.now()); err == nil {
			sid = sess.ID
		}
	}
	if sid != "" {
		if err := s.svc.Sessions.RevokeSession(ctx, sid); err != nil {
			return err
		}
	}
	if !bearer {
		s.clearSessionCookies(c)
	}
	return c.SendStatus(http.StatusNoContent)
}

func (s *Server) me(c *fiber.Ctx) error {
	if csrf := c.Cookies(cookieCSRF); csrf != "" && !viewerOf(c).bearer {
		c.Set(headerCSRF, csrf)
	}
	return c.JSON(userResponse{User: ownUser(viewerOf(c).user)})
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

// token is the login of scripts and apps: a session without refresh token
// whose one access token (for the Authorization: Bearer header) lives
// accessTTL. No cookies are set, so no CSRF token is needed.
func (s *Server) token(c *fiber.Ctx) error {
	u, err := s.checkLogin(c)
	if err != nil {
		return err
	}
	now := s.tokens.now()
	sess := &beforetrip.Session{ID: randomToken(16), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(accessTTL)}
	if err := s.svc.Sessions.CreateSession(c.UserContext(), sess); err != nil {
		return err
	}
	access, err := s.tokens.issue(u, sess.ID, accessTTL)
	if err != nil {
		return err
	}
	return c.JSON(tokenResponse{AccessToken: access, TokenType: "Bearer", ExpiresIn: int(accessTTL / time.Second)})
}
