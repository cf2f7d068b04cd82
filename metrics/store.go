package metrics

import (
	"context"
	"reflect"
	"time"

	"github.com/beforetrip/beforetrip"
)

// Store is every service interface of a store that the API, the mail
// sender and the builder call: what Metrics.Store times.
type Store interface {
	beforetrip.UserService
	beforetrip.SessionService
	beforetrip.LikeService
	beforetrip.PopularService
	beforetrip.CommentService
	beforetrip.ReviewService
	beforetrip.ModerationService
	beforetrip.AccountService
	beforetrip.Outbox
	beforetrip.MailQueue
	beforetrip.SiteData
	beforetrip.LoginLimits
}

// Store returns s with every call timed into
// beforetrip_store_operation_duration_seconds{op="<method>"}. It wraps the
// interfaces, not the backend, so bbolt and any other store are measured
// alike, from the caller's side.
func (m *Metrics) Store(s Store) Store {
	return timedStore{
		users{m, s}, sessions{m, s}, likes{m, s}, popular{m, s}, comments{m, s}, reviews{m, s},
		moderation{m, s}, accounts{m, s}, outbox{m, s}, mailQueue{m, s}, siteData{m, s}, loginLimits{m, s},
	}
}

// storeOpNames are the op label values: Store's method names (unique,
// since one store type implements them all).
func storeOpNames() []string {
	t := reflect.TypeFor[Store]()
	names := make([]string, t.NumMethod())
	for i := range names {
		names[i] = t.Method(i).Name
	}
	return names
}

// timedStore promotes the methods of one timing wrapper per interface.
type timedStore struct {
	users
	sessions
	likes
	popular
	comments
	reviews
	moderation
	accounts
	outbox
	mailQueue
	siteData
	loginLimits
}

// The wrappers below each time one interface; each method names its op.

type accounts struct {
	m    *Metrics
	next beforetrip.AccountService
}

func (w accounts) TokenUser(ctx context.Context, p beforetrip.TokenProof, kind beforetrip.TokenKind) (*beforetrip.User, error) {
	defer w.m.observeStore("TokenUser", time.Now())
	return w.next.TokenUser(ctx, p, kind)
}

func (w accounts) ResetPassword(ctx context.Context, p beforetrip.TokenProof, passwordHash []byte) (*beforetrip.User, error) {
	defer w.m.observeStore("ResetPassword", time.Now())
	return w.next.ResetPassword(ctx, p, passwordHash)
}

func (w accounts) ChangePassword(ctx context.Context, userID uint64, passwordHash []byte, keepSession string) error {
	defer w.m.observeStore("ChangePassword", time.Now())
	return w.next.ChangePassword(ctx, userID, passwordHash, keepSession)
}

func (w accounts) VerifyEmail(ctx context.Context, p beforetrip.TokenProof) (*beforetrip.User, error) {
	defer w.m.observeStore("VerifyEmail", time.Now())
	return w.next.VerifyEmail(ctx, p)
}

func (w accounts) SetNotifyReplies(ctx context.Context, userID uint64, on bool) (*beforetrip.User, error) {
	defer w.m.observeStore("SetNotifyReplies", time.Now())
	return w.next.SetNotifyReplies(ctx, userID, on)
}

func (w accounts) ExportAccount(ctx context.Context, userID uint64) (*beforetrip.AccountExport, error) {
	defer w.m.observeStore("ExportAccount", time.Now())
	return w.next.ExportAccount(ctx, userID)
}

func (w accounts) DeleteAccount(ctx context.Context, userID uint64) ([]beforetrip.Change, error) {
	defer w.m.observeStore("DeleteAccount", time.Now())
	return w.next.DeleteAccount(ctx, userID)
}

type users struct {
	m    *Metrics
	next beforetrip.UserService
}

func (w users) CreateUser(ctx context.Context, u *beforetrip.User) error {
	defer w.m.observeStore("CreateUser", time.Now())
	return w.next.CreateUser(ctx, u)
}

func (w users) UserByID(ctx context.Context, id uint64) (*beforetrip.User, error) {
	defer w.m.observeStore("UserByID", time.Now())
	return w.next.UserByID(ctx, id)
}

func (w users) UserByLogin(ctx context.Context, login string) (*beforetrip.User, error) {
	defer w.m.observeStore("UserByLogin", time.Now())
	return w.next.UserByLogin(ctx, login)
}

func (w users) SetRole(ctx context.Context, username string, role beforetrip.Role) error {
	defer w.m.observeStore("SetRole", time.Now())
	return w.next.SetRole(ctx, username, role)
}

func (w users) BlockUser(ctx context.Context, username string) error {
	defer w.m.observeStore("BlockUser", time.Now())
	return w.next.BlockUser(ctx, username)
}

type sessions struct {
	m    *Metrics
	next beforetrip.SessionService
}

func (w sessions) CreateSession(ctx context.Context, s *beforetrip.Session) error {
	defer w.m.observeStore("CreateSession", time.Now())
	return w.next.CreateSession(ctx, s)
}

func (w sessions) Session(ctx context.Context, id string) (*beforetrip.Session, error) {
	defer w.m.observeStore("Session", time.Now())
	return w.next.Session(ctx, id)
}

func (w sessions) RotateSession(ctx context.Context, oldHash, newHash []byte, expires time.Time) (*beforetrip.Session, error) {
	defer w.m.observeStore("RotateSession", time.Now())
	return w.next.RotateSession(ctx, oldHash, newHash, expires)
}

func (w sessions) RevokeSession(ctx context.Context, id string) error {
	defer w.m.observeStore("RevokeSession", time.Now())
	return w.next.RevokeSession(ctx, id)
}

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

type outbox struct {
	m    *Metrics
	next beforetrip.Outbox
}

func (w outbox) QueueMail(ctx context.Context, m *beforetrip.Mail) error {
	defer w.m.observeStore("QueueMail", time.Now())
	return w.next.QueueMail(ctx, m)
}

func (w outbox) QueueReply(ctx context.Context, m beforetrip.Mail, r beforetrip.MailReply, window time.Duration) error {
	defer w.m.observeStore("QueueReply", time.Now())
	return w.next.QueueReply(ctx, m, r, window)
}

func (w outbox) QueueTokenMail(ctx context.Context, login string, compose beforetrip.TokenMailFunc) error {
	defer w.m.observeStore("QueueTokenMail", time.Now())
	return w.next.QueueTokenMail(ctx, login, compose)
}

type mailQueue struct {
	m    *Metrics
	next beforetrip.MailQueue
}

func (w mailQueue) DueMails(ctx context.Context, now time.Time, limit int) ([]beforetrip.Mail, error) {
	defer w.m.observeStore("DueMails", time.Now())
	return w.next.DueMails(ctx, now, limit)
}

func (w mailQueue) NextMailAt(ctx context.Context) (at time.Time, ok bool, err error) {
	defer w.m.observeStore("NextMailAt", time.Now())
	return w.next.NextMailAt(ctx)
}

func (w mailQueue) MailSent(ctx context.Context, id uint64) error {
	defer w.m.observeStore("MailSent", time.Now())
	return w.next.MailSent(ctx, id)
}

func (w mailQueue) MailFailed(ctx context.Context, id uint64, next time.Time, reason string) error {
	defer w.m.observeStore("MailFailed", time.Now())
	return w.next.MailFailed(ctx, id, next, reason)
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

type loginLimits struct {
	m    *Metrics
	next beforetrip.LoginLimits
}

func (w loginLimits) TakeLoginTokens(ctx context.Context, keys []string, r beforetrip.Rate, now time.Time) (time.Duration, error) {
	defer w.m.observeStore("TakeLoginTokens", time.Now())
	return w.next.TakeLoginTokens(ctx, keys, r, now)
}

func (w loginLimits) GiveLoginTokens(ctx context.Context, keys []string, r beforetrip.Rate, now time.Time) error {
	defer w.m.observeStore("GiveLoginTokens", time.Now())
	return w.next.GiveLoginTokens(ctx, keys, r, now)
}
