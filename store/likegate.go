package store

import (
	"context"
	"sync"
)

// likeGate makes likes that arrive while a like batch commits wait for that
// commit and then enter bbolt's Batch together, so they share the next
// commit (group commit).
//
// Without it, bbolt closes a batch when its MaxBatchDelay timer fires,
// whether or not the previous batch still holds the write lock: while one
// commit waits for a slow fsync (the disk busy with a rebuild writing
// thousands of pages), every 2 ms another small batch closes and queues
// behind it, and each pays a commit of its own. Measured at 64 concurrent
// likers: ~15 likes per commit with an idle disk, and throughput falling
// to a few hundred likes/s when fsyncs took 50–500 ms. With the gate a
// batch holds everyone who waited, so a slow fsync is paid once per round
// of waiting likers rather than once per 2 ms of arrivals. A lone like on
// an idle store is not delayed.
type likeGate struct {
	mu   sync.Mutex
	gen  uint64        // the batch now committing; 0 = none
	last uint64        // the last generation handed out
	tx   int           // the bbolt transaction ID of batch gen
	done chan struct{} // closed when batch gen has committed
}

// enter waits while a like batch commits. It fails only when ctx ends.
func (g *likeGate) enter(ctx context.Context) error {
	for {
		g.mu.Lock()
		if g.gen == 0 {
			g.mu.Unlock()
			return nil
		}
		done := g.done
		g.mu.Unlock()
		select {
		case <-done:
		case <-ctx.Done():
			return ctxErr(ctx)
		}
	}
}

// running is called by each like's closure inside a batch's write
// transaction (ID txID) and returns the batch's generation: the first call
// of a transaction closes the gate. A transaction only starts once the
// previous one has committed, so a new one also ends the previous batch's
// generation, in case its callers have not returned yet.
func (g *likeGate) running(txID int) uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.gen != 0 {
		if g.tx == txID {
			return g.gen
		}
		close(g.done)
	}
	g.last++
	g.gen, g.tx, g.done = g.last, txID, make(chan struct{})
	return g.gen
}

// leave opens the gate once batch gen has committed (or failed). Callers
// of one batch return one after another: the first opens the gate, the
// others find it open or closed by a later batch, which they leave alone.
func (g *likeGate) leave(gen uint64) {
	if gen == 0 {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.gen == gen {
		g.gen = 0
		close(g.done)
	}
}
