package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/gofiber/fiber/v2"
)

type reviewResponse struct {
	Review *beforetrip.Review `json:"review"`
}

// listReviews lists reader reviews, newest first, optionally of one
// country and of one author (by user ID, as in a review's author.id).
func (s *Server) listReviews(c *fiber.Ctx) error {
	limit, err := queryLimit(c, beforetrip.DefaultReviewLimit, beforetrip.MaxReviewLimit)
	if err != nil {
		return err
	}
	country, err := queryCountry(c)
	if err != nil {
		return err
	}
	q := beforetrip.ReviewQuery{Country: country, Cursor: c.Query("cursor"), Limit: limit}
	if a := c.Query("author"); a != "" {
		if q.AuthorID, err = strconv.ParseUint(a, 10, 64); err != nil || q.AuthorID == 0 {
			return beforetrip.Invalid("author", "author must be a user ID.")
		}
	}
	v, err := s.optionalViewer(c)
	if err != nil {
		return err
	}
	q.Viewer, q.Moderator = v.id(), v.moderator()
	page, err := s.svc.Reviews.Reviews(c.UserContext(), q)
	if err != nil {
		return err
	}
	if page.Reviews == nil {
		page.Reviews = []beforetrip.Review{}
	}
	return c.JSON(page)
}

// errNoReview answers for a review that does not exist and for one the
// caller may not see, alike.
var errNoReview = beforetrip.Errorf(beforetrip.ENOTFOUND, "review not found")

// getReview answers one review; one awaiting approval only to its author
// and to moderators.
func (s *Server) getReview(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, err := s.optionalViewer(c)
	if err != nil {
		return err
	}
	r, err := s.svc.Reviews.Review(c.UserContext(), id)
	if err != nil {
		return err
	}
	if !r.VisibleTo(v.id(), v.moderator()) {
		return errNoReview
	}
	return c.JSON(reviewResponse{Review: r})
}

// reviewFields are the writable fields; nil means "not sent" (PATCH).
type reviewFields struct {
	Country *string `json:"country"`
	Title   *string `json:"title"`
	Rating  *int    `json:"rating"`
	Body    *string `json:"body"`
}

// edit checks the fields that are present (create requires all but body)
// and returns them as a domain edit, normalized. The country is put in NFC
// in place (beforetrip.NormalizePageID), as the builder names countries.
func (f *reviewFields) edit(create bool) (*beforetrip.ReviewEdit, error) {
	if f.Country != nil {
		*f.Country = beforetrip.NormalizePageID(*f.Country)
	}
	if create {
		switch {
		case f.Country == nil:
			return nil, beforetrip.Invalid("country", "country is required.")
		case f.Title == nil:
			return nil, beforetrip.Invalid("title", "title is required.")
		case f.Rating == nil:
			return nil, beforetrip.Invalid("rating", "rating is required.")
		}
	}
	e := &beforetrip.ReviewEdit{Title: f.Title, Rating: f.Rating, Body: f.Body}
	e.Normalize()
	return e, e.Validate()
}

// countryExists checks that the site has the country's page.
func (s *Server) countryExists(country string) error {
	if !beforetrip.ValidPageSegment(country) {
		return beforetrip.Invalid("country", "Not a valid country.")
	}
	if m, ok := s.svc.Pages.Page("countries/" + country); !ok || m.Kind != beforetrip.KindCountry {
		return beforetrip.Invalid("country", "The site has no country %q.", country)
	}
	return nil
}

func (s *Server) createReview(c *fiber.Ctx) error {
	var f reviewFields
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	e, err := f.edit(true)
	if err != nil {
		return err
	}
	if err := s.countryExists(*f.Country); err != nil {
		return err
	}
	v := viewerOf(c)
	r := &beforetrip.Review{Country: *f.Country, Author: author(v.user),
		Pending: s.cfg.ReviewModeration == "pre" && !v.moderator()}
	e.Apply(r)
	undo := func() {}
	if f.Body != nil {
		html, giveBack, err := s.renderText(c, r.Author.ID, *f.Body)
		if err != nil {
			return err
		}
		r.HTML, undo = html, giveBack
	}
	if err := s.svc.Reviews.CreateReview(c.UserContext(), r); err != nil {
		undo()
		return err
	}
	if r.Public() {
		s.notify(beforetrip.Change{Kind: beforetrip.ChangeReview, Page: r.PageID(), Country: r.Country})
	}
	return c.Status(http.StatusCreated).JSON(reviewResponse{Review: r})
}

// editReview changes any of title, rating and body. The country may be
// sent but not changed: it is part of the review's page ID, which keys its
// likes and comments, so moving a review would orphan them. With
// reviews.moderation: pre a reader's edit takes the review off the site
// until a moderator approves it again, as for comments.
func (s *Server) editReview(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var f reviewFields
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	e, err := f.edit(false)
	if err != nil {
		return err
	}
	if f.Title == nil && f.Rating == nil && f.Body == nil && f.Country == nil {
		return beforetrip.Invalid("", "Send at least one of title, rating and body.")
	}
	v := viewerOf(c)
	var wasPublic bool
	var html string
	undo := func() {}
	if f.Body != nil {
		if html, undo, err = s.renderText(c, v.user.ID, *f.Body); err != nil {
			return err
		}
	}
	r, err := s.svc.Reviews.UpdateReview(c.UserContext(), id, func(r *beforetrip.Review) error {
		if !r.VisibleTo(v.id(), v.moderator()) {
			return errNoReview
		}
		if err := mayChange(v, r.Author); err != nil {
			return err
		}
		wasPublic = r.Public()
		if f.Country != nil && *f.Country != r.Country {
			return beforetrip.Invalid("country", "A review cannot move to another country; delete it and write a new one.")
		}
		e.Apply(r)
		// A title stored before titles were cleaned would fail the
		// store's check whatever field this edit changes.
		r.Title = beforetrip.CleanTitle(r.Title)
		if f.Body != nil {
			r.HTML = html
		}
		now := time.Now().UTC()
		r.EditedAt = &now
		if s.cfg.ReviewModeration == "pre" && !v.moderator() {
			r.Pending = true
		}
		return nil
	})
	if err != nil {
		undo()
		return err
	}
	if wasPublic || r.Public() {
		s.notify(beforetrip.Change{Kind: beforetrip.ChangeReview, Page: r.PageID(), Country: r.Country})
	}
	return c.JSON(reviewResponse{Review: r})
}

// deleteReview removes a review with its likes and comments. The owner
// check reads the review first; its author never changes, so the read and
// the delete cannot disagree about who may delete.
func (s *Server) deleteReview(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	r, err := s.svc.Reviews.Review(ctx, id)
	if err != nil {
		return err
	}
	v := viewerOf(c)
	if !r.VisibleTo(v.id(), v.moderator()) {
		return errNoReview
	}
	if err := mayChange(v, r.Author); err != nil {
		return err
	}
	if err := s.svc.Reviews.DeleteReview(ctx, id); err != nil {
		return err
	}
	if r.Public() {
		s.notify(beforetrip.Change{Kind: beforetrip.ChangeReview, Page: r.PageID(), Country: r.Country})
	}
	return c.SendStatus(http.StatusNoContent)
}
