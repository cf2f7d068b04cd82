package metrics

import (
	"context"
	"reflect"
	"time"

	"github.com/beforetrip/beforetrip"
)

// Store is what Metrics.Store times: every service of a store.
type Store = beforetrip.Store

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

// The wrappers below and in store_content.go each time one interface;
// each method names its op.

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
