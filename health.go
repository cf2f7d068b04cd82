package beforetrip

import "context"

// StoreHealth is how operations look into a store: a readiness probe and
// the depths of the queues people wait on. Both are cheap reads, made on
// every probe and every metrics scrape.
type StoreHealth interface {
	// Ping makes the cheapest read that proves the store answers; an
	// error means this instance cannot serve (closed file, lost database).
	Ping(ctx context.Context) error
	// Backlog counts what waits: mails in the outbox and items in the
	// moderation queues.
	Backlog(ctx context.Context) (Backlog, error)
}

// Backlog is what waits in a store.
type Backlog struct {
	Outbox   int // mails queued, due or not
	Pending  int // comments and reviews awaiting approval (QueuePending)
	Reported int // comments and reviews with open reports (QueueReported)
}
