package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"

	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

// unsubscribeToken is the credential of a one-click unsubscribe link: the
// user ID and an HMAC of it under the JWT secret. It needs no storage and
// works as long as the secret does; it can only turn notifications off.
func (s *Server) unsubscribeToken(userID uint64) string {
	id := strconv.FormatUint(userID, 10)
	return id + "." + base64.RawURLEncoding.EncodeToString(s.unsubscribeMAC(id))
}

func (s *Server) unsubscribeMAC(id string) []byte {
	m := hmac.New(sha256.New, s.cfg.JWTSecret)
	m.Write([]byte("beforetrip unsubscribe\x00" + id))
	return m.Sum(nil)
}

// unsubscribeUser checks a token in constant time and returns its user ID.
func (s *Server) unsubscribeUser(token string) (uint64, error) {
	bad := beforetrip.Invalid("token", "This unsubscribe link is invalid.")
	id, mac, ok := strings.Cut(token, ".")
	if !ok {
		return 0, bad
	}
	uid, err := strconv.ParseUint(id, 10, 64)
	got, err2 := base64.RawURLEncoding.Strict().DecodeString(mac) // one spelling per link
	if err != nil || err2 != nil || strconv.FormatUint(uid, 10) != id || !hmac.Equal(got, s.unsubscribeMAC(id)) {
		return 0, bad
	}
	return uid, nil
}

// unsubscribe turns reply notifications off without login: RFC 8058
// one-click (mail clients POST "List-Unsubscribe=One-Click") and the
// account page's link both land here. A deleted account is no error.
func (s *Server) unsubscribe(c *fiber.Ctx) error {
	uid, err := s.unsubscribeUser(c.Query("token"))
	if err != nil {
		return err
	}
	if _, err := s.svc.Accounts.SetNotifyReplies(c.UserContext(), uid, false); err != nil &&
		beforetrip.ErrorCode(err) != beforetrip.ENOTFOUND {
		return err
	}
	return c.JSON(okResponse{OK: true})
}

// notifyReply queues a reply notification for the author of the comment
// replied to, when they asked for them, have a verified address (or the
// mails would go to whoever typed it in), and are not the replier. A
// failure is logged: the reply itself is stored already.
func (s *Server) notifyReply(ctx context.Context, reply *beforetrip.Comment) {
	if reply.ParentID == 0 || !reply.Public() {
		return
	}
	parent, err := s.svc.Comments.Comment(ctx, reply.ParentID)
	if err != nil || parent.Author.ID == 0 || parent.Author.ID == reply.Author.ID {
		return
	}
	u, err := s.svc.Users.UserByID(ctx, parent.Author.ID)
	if err != nil || !u.NotifyReplies || !u.EmailVerified || u.Blocked {
		return
	}
	title := reply.Page
	if meta, ok := s.svc.Pages.Page(reply.Page); ok && meta.Title != "" {
		title = meta.Title
	}
	tok := s.unsubscribeToken(u.ID)
	// The header URL is for mail clients' one-click POST; the link in the
	// text is for people, whose click is a GET: the account page posts it.
	m := beforetrip.Mail{To: u.Email, UserID: u.ID, Username: u.Username,
		Unsubscribe: s.cfg.BaseURL + "api/notifications/unsubscribe?token=" + tok,
		Link:        s.cfg.BaseURL + "account/#unsubscribe=" + tok}
	r := beforetrip.MailReply{CommentID: reply.ID, Author: reply.Author.Username, PageTitle: title, Body: reply.Body,
		Link: s.cfg.BaseURL + strings.TrimPrefix((&url.URL{Path: beforetrip.PageURL(reply.Page)}).EscapedPath(), "/") +
			"#comment-" + strconv.FormatUint(reply.ID, 10)}
	if err := s.svc.Mail.QueueReply(ctx, m, r, s.cfg.ReplyBatch); err != nil {
		s.log.Error("api: queueing a reply notification failed", "comment", reply.ID, "err", err)
	}
}
