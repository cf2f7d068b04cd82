package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

type commentResponse struct {
	Comment *beforetrip.Comment `json:"comment"`
}

// listComments lists a page's comments, newest first unless order=oldest.
// Pending comments appear only to their author and to moderators.
func (s *Server) listComments(c *fiber.Ctx) error {
	id, err := queryPage(c, "page")
	if err != nil {
		return err
	}
	limit, err := queryLimit(c, beforetrip.DefaultCommentLimit, beforetrip.MaxCommentLimit)
	if err != nil {
		return err
	}
	q := beforetrip.CommentQuery{Page: id, Cursor: c.Query("cursor"), Limit: limit}
	switch c.Query("order", "newest") {
	case "newest":
	case "oldest":
		q.Oldest = true
	default:
		return beforetrip.Invalid("order", "order must be newest or oldest.")
	}
	if !s.svc.Pages.Has(id) {
		return errNoPage
	}
	v, err := s.optionalViewer(c)
	if err != nil {
		return err
	}
	q.Viewer, q.Moderator = v.id(), v.moderator()
	page, err := s.svc.Comments.Comments(c.UserContext(), q)
	if err != nil {
		return err
	}
	if page.Comments == nil {
		page.Comments = []beforetrip.Comment{}
	}
	for i := range page.Comments {
		page.Comments[i] = page.Comments[i].Redacted()
	}
	page.EditWindow = int64(s.cfg.EditWindow / time.Second)
	return c.JSON(page)
}

type createCommentRequest struct {
	Page     string `json:"page"`
	Body     string `json:"body"`
	ParentID uint64 `json:"parent_id"`
}

// createComment posts a comment or a reply. With pre-moderation a reader's
// comment waits for an admin; moderators' comments never wait.
func (s *Server) createComment(c *fiber.Ctx) error {
	var req createCommentRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	cm := &beforetrip.Comment{Page: beforetrip.NormalizePageID(req.Page), ParentID: req.ParentID, Body: req.Body}
	if err := cm.Validate(); err != nil {
		return err
	}
	if !s.svc.Pages.Has(cm.Page) {
		return errNoPage
	}
	v := viewerOf(c)
	html, undo, err := s.renderText(c, v.user.ID, req.Body)
	if err != nil {
		return err
	}
	cm.Author, cm.HTML = author(v.user), html
	cm.Pending = s.cfg.Moderation == "pre" && !v.moderator()
	if err := s.svc.Comments.CreateComment(c.UserContext(), cm); err != nil {
		undo()
		return err
	}
	if !cm.Pending {
		s.notify(beforetrip.Change{Kind: beforetrip.ChangeComments, Page: cm.Page})
	}
	s.notifyReply(c.UserContext(), cm)
	return c.Status(http.StatusCreated).JSON(commentResponse{Comment: cm})
}

// errNoComment answers for a comment that does not exist and for one the
// caller may not see, alike.
var errNoComment = beforetrip.Errorf(beforetrip.ENOTFOUND, "comment not found")

type editCommentRequest struct {
	Body string `json:"body"`
}

// mayChange reports whether v may edit or delete what author wrote.
func mayChange(v *viewer, author beforetrip.Author) error {
	if v.user.ID == author.ID || v.moderator() {
		return nil
	}
	return beforetrip.Errorf(beforetrip.EFORBIDDEN, "Only the author or a moderator may change this.")
}

// editComment replaces a comment's body; ownership is checked inside the
// store's transaction against the current row. With pre-moderation a
// reader's edit goes back to the approval queue: the comment disappears
// from public view until a moderator approves the new text, so approving a
// harmless text can never publish the spam it is edited into.
func (s *Server) editComment(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req editCommentRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := beforetrip.CheckCommentBody(req.Body); err != nil {
		return err
	}
	v := viewerOf(c)
	html, undo, err := s.renderText(c, v.user.ID, req.Body)
	if err != nil {
		return err
	}
	var unpublished bool
	cm, err := s.svc.Comments.UpdateComment(c.UserContext(), id, func(cm *beforetrip.Comment) error {
		if !cm.VisibleTo(v.id(), v.moderator()) {
			return errNoComment
		}
		if err := mayChange(v, cm.Author); err != nil {
			return err
		}
		if cm.Deleted {
			return beforetrip.Errorf(beforetrip.ENOTFOUND, "This comment was deleted.")
		}
		now := time.Now().UTC()
		if !v.moderator() && now.Sub(cm.CreatedAt) > s.cfg.EditWindow {
			return beforetrip.Errorf(beforetrip.EFORBIDDEN,
				"Comments can be edited only within %s of posting.", humanDuration(s.cfg.EditWindow))
		}
		cm.Body, cm.HTML, cm.EditedAt = req.Body, html, &now
		if s.cfg.Moderation == "pre" && !v.moderator() && !cm.Pending {
			cm.Pending, unpublished = true, true
		}
		return nil
	})
	if err != nil {
		undo()
		return err
	}
	if unpublished {
		s.notify(beforetrip.Change{Kind: beforetrip.ChangeComments, Page: cm.Page})
	}
	return c.JSON(commentResponse{Comment: cm})
}

// deleteComment soft-deletes: the body goes, the place in the thread stays
// so replies keep their parent. Deleting twice is not an error.
func (s *Server) deleteComment(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v := viewerOf(c)
	var wasVisible bool
	cm, err := s.svc.Comments.UpdateComment(c.UserContext(), id, func(cm *beforetrip.Comment) error {
		if !cm.VisibleTo(v.id(), v.moderator()) {
			return errNoComment
		}
		if err := mayChange(v, cm.Author); err != nil {
			return err
		}
		wasVisible = !cm.Deleted && !cm.Pending
		cm.Deleted, cm.Body, cm.HTML = true, "", ""
		return nil
	})
	if err != nil {
		return err
	}
	if wasVisible {
		s.notify(beforetrip.Change{Kind: beforetrip.ChangeComments, Page: cm.Page})
	}
	return c.SendStatus(http.StatusNoContent)
}

// humanDuration says a whole number of minutes or hours the way a person
// would ("15 minutes", "2 hours").
func humanDuration(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		if d == time.Hour {
			return "1 hour"
		}
		return strconv.Itoa(int(d/time.Hour)) + " hours"
	case d >= time.Minute && d%time.Minute == 0:
		if d == time.Minute {
			return "1 minute"
		}
		return strconv.Itoa(int(d/time.Minute)) + " minutes"
	}
	return d.String()
}

// renderText renders a reader's Markdown (refused with EINVALID past the
// reader-HTML limits) and charges its Markdown and HTML bytes to the
// user's daily storage quota (429 past it); undo gives them back when the
// write then fails.
func (s *Server) renderText(c *fiber.Ctx, userID uint64, body string) (html string, undo func(), err error) {
	if html, err = s.ugc.Render(body); err != nil {
		return "", nil, err
	}
	n := len(body) + len(html)
	if err := s.limits.store(c, userID, n); err != nil {
		return "", nil, err
	}
	return html, func() { s.limits.unstore(userID, n) }, nil
}
