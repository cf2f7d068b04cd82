package metrics

import (
	"context"
	"time"

	"github.com/beforetrip/beforetrip"
)

// The timing wrappers of the content services: what readers like, write
// and report, and what the builder reads back (Metrics.Store joins them
// with the account and mail wrappers of store.go).

type likes struct {
	m    *Metrics
	next beforetrip.LikeService
}

func (w likes) SetLike(ctx context.Context, page beforetrip.PageMeta, userID uint64, liked bool) (int64, error) {
	defer w.m.observeStore("SetLike", time.Now())
	return w.next.SetLike(ctx, page, userID, liked)
}

func (w likes) PageStats(ctx context.Context, ids []string, viewer uint64) (map[string]beforetrip.PageStats, error) {
	defer w.m.observeStore("PageStats", time.Now())
	return w.next.PageStats(ctx, ids, viewer)
}

type popular struct {
	m    *Metrics
	next beforetrip.PopularService
}

func (w popular) Popular(ctx context.Context, q beforetrip.PopularQuery) ([]beforetrip.PopularItem, error) {
	defer w.m.observeStore("Popular", time.Now())
	return w.next.Popular(ctx, q)
}

type comments struct {
	m    *Metrics
	next beforetrip.CommentService
}

func (w comments) CreateComment(ctx context.Context, c *beforetrip.Comment) error {
	defer w.m.observeStore("CreateComment", time.Now())
	return w.next.CreateComment(ctx, c)
}

func (w comments) Comment(ctx context.Context, id uint64) (*beforetrip.Comment, error) {
	defer w.m.observeStore("Comment", time.Now())
	return w.next.Comment(ctx, id)
}

func (w comments) Comments(ctx context.Context, q beforetrip.CommentQuery) (*beforetrip.CommentPage, error) {
	defer w.m.observeStore("Comments", time.Now())
	return w.next.Comments(ctx, q)
}

func (w comments) UpdateComment(ctx context.Context, id uint64, fn beforetrip.CommentUpdate) (*beforetrip.Comment, error) {
	defer w.m.observeStore("UpdateComment", time.Now())
	return w.next.UpdateComment(ctx, id, fn)
}

func (w comments) PendingComments(ctx context.Context, cursor string, limit int) (*beforetrip.CommentPage, error) {
	defer w.m.observeStore("PendingComments", time.Now())
	return w.next.PendingComments(ctx, cursor, limit)
}

type reviews struct {
	m    *Metrics
	next beforetrip.ReviewService
}

func (w reviews) CreateReview(ctx context.Context, r *beforetrip.Review) error {
	defer w.m.observeStore("CreateReview", time.Now())
	return w.next.CreateReview(ctx, r)
}

func (w reviews) Review(ctx context.Context, id uint64) (*beforetrip.Review, error) {
	defer w.m.observeStore("Review", time.Now())
	return w.next.Review(ctx, id)
}

func (w reviews) ReviewHead(ctx context.Context, id uint64) (*beforetrip.Review, error) {
	defer w.m.observeStore("ReviewHead", time.Now())
	return w.next.ReviewHead(ctx, id)
}

func (w reviews) Reviews(ctx context.Context, q beforetrip.ReviewQuery) (*beforetrip.ReviewPage, error) {
	defer w.m.observeStore("Reviews", time.Now())
	return w.next.Reviews(ctx, q)
}

func (w reviews) UpdateReview(ctx context.Context, id uint64, fn beforetrip.ReviewUpdate) (*beforetrip.Review, error) {
	defer w.m.observeStore("UpdateReview", time.Now())
	return w.next.UpdateReview(ctx, id, fn)
}

func (w reviews) DeleteReview(ctx context.Context, id uint64) error {
	defer w.m.observeStore("DeleteReview", time.Now())
	return w.next.DeleteReview(ctx, id)
}

type moderation struct {
	m    *Metrics
	next beforetrip.ModerationService
}

func (w moderation) Report(ctx context.Context, r *beforetrip.Report, hideAfter int) (*beforetrip.ModResult, error) {
	defer w.m.observeStore("Report", time.Now())
	return w.next.Report(ctx, r, hideAfter)
}

func (w moderation) Queue(ctx context.Context, q beforetrip.QueueKind, cursor string, limit int) (*beforetrip.QueuePage, error) {
	defer w.m.observeStore("Queue", time.Now())
	return w.next.Queue(ctx, q, cursor, limit)
}

func (w moderation) Decide(ctx context.Context, actor beforetrip.Author, kind beforetrip.ItemKind, id uint64, d beforetrip.Decision, reason string) (*beforetrip.ModResult, error) {
	defer w.m.observeStore("Decide", time.Now())
	return w.next.Decide(ctx, actor, kind, id, d, reason)
}

func (w moderation) Users(ctx context.Context, q beforetrip.UserQuery) (*beforetrip.UserPage, error) {
	defer w.m.observeStore("Users", time.Now())
	return w.next.Users(ctx, q)
}

func (w moderation) Block(ctx context.Context, actor beforetrip.Author, username string, b beforetrip.Block) error {
	defer w.m.observeStore("Block", time.Now())
	return w.next.Block(ctx, actor, username, b)
}

func (w moderation) Unblock(ctx context.Context, actor beforetrip.Author, username string) error {
	defer w.m.observeStore("Unblock", time.Now())
	return w.next.Unblock(ctx, actor, username)
}

func (w moderation) ChangeRole(ctx context.Context, actor beforetrip.Author, username string, role beforetrip.Role) error {
	defer w.m.observeStore("ChangeRole", time.Now())
	return w.next.ChangeRole(ctx, actor, username, role)
}

func (w moderation) PurgeUser(ctx context.Context, actor beforetrip.Author, username string) ([]beforetrip.ModResult, error) {
	defer w.m.observeStore("PurgeUser", time.Now())
	return w.next.PurgeUser(ctx, actor, username)
}

func (w moderation) LockPage(ctx context.Context, actor beforetrip.Author, page string, locked bool) error {
	defer w.m.observeStore("LockPage", time.Now())
	return w.next.LockPage(ctx, actor, page, locked)
}

func (w moderation) LockedPages(ctx context.Context) ([]string, error) {
	defer w.m.observeStore("LockedPages", time.Now())
	return w.next.LockedPages(ctx)
}

func (w moderation) PinComment(ctx context.Context, actor beforetrip.Author, id uint64, pinned bool) (*beforetrip.Comment, error) {
	defer w.m.observeStore("PinComment", time.Now())
	return w.next.PinComment(ctx, actor, id, pinned)
}

func (w moderation) Audit(ctx context.Context, cursor string, limit int) (*beforetrip.AuditPage, error) {
	defer w.m.observeStore("Audit", time.Now())
	return w.next.Audit(ctx, cursor, limit)
}

type siteData struct {
	m    *Metrics
	next beforetrip.SiteData
}

func (w siteData) PageCounts(ctx context.Context) (map[string]beforetrip.Counts, error) {
	defer w.m.observeStore("PageCounts", time.Now())
	return w.next.PageCounts(ctx)
}

func (w siteData) CountsOf(ctx context.Context, ids []string) (map[string]beforetrip.Counts, error) {
	defer w.m.observeStore("CountsOf", time.Now())
	return w.next.CountsOf(ctx, ids)
}

func (w siteData) ReaderReviews(ctx context.Context) ([]beforetrip.Review, error) {
	defer w.m.observeStore("ReaderReviews", time.Now())
	return w.next.ReaderReviews(ctx)
}

func (w siteData) ReaderReview(ctx context.Context, id uint64) (*beforetrip.Review, error) {
	defer w.m.observeStore("ReaderReview", time.Now())
	return w.next.ReaderReview(ctx, id)
}

func (w siteData) LikesSince(ctx context.Context, since time.Time) (map[string]int64, error) {
	defer w.m.observeStore("LikesSince", time.Now())
	return w.next.LikesSince(ctx, since)
}
