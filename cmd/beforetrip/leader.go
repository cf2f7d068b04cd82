package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/build"
	"github.com/beforetrip/beforetrip/pgstore"
)

// startWorker starts the rebuild worker and waits for its first full build,
// so that the pages and the page index are current before the first
// request. On PostgreSQL the worker runs only while this process is the
// rebuild leader (pgstore.Elect): a process that finds another leader
// serves at once with the page list the leader published.
func (s *liveSite) startWorker(ctx context.Context, wg *sync.WaitGroup, stdout io.Writer) {
	sub, unsub := s.worker.Subscribe()
	defer unsub()
	following := make(chan error, 1)
	if s.pg == nil {
		s.leading.Store(true)
		wg.Go(func() { s.worker.Run(ctx) })
	} else {
		wg.Go(func() {
			s.pg.Elect(ctx, pgstore.Campaign{
				Lead:   s.lead,
				Change: s.worker.Notify,
				Follow: func(err error) {
					if err == nil {
						s.log.Info("rebuild: another instance leads; following")
					}
					select {
					case following <- err:
					default:
					}
				},
				Built: s.reloadPages,
				Log:   s.log,
			})
		})
	}
	select {
	case <-ctx.Done():
	case err := <-following:
		if err != nil {
			fmt.Fprintf(stdout, "beforetrip: not leading the rebuilds of %s yet (%v); trying again\n", s.outDir, err)
			return
		}
		fmt.Fprintf(stdout, "beforetrip: another instance leads the rebuilds of %s; serving the pages it published\n", s.outDir)
	case first := <-sub:
		if first.Err != nil {
			fmt.Fprintf(stdout, "beforetrip: build failed; serving the last good output until it is fixed:\n%v\n", first.Err)
			return
		}
		fmt.Fprintf(stdout, "beforetrip: built %d pages (%d written) in %s\n", first.Build.Pages,
			len(first.Build.Written), first.Build.Duration.Round(time.Millisecond))
	}
}

// lead runs the rebuild worker while this process leads (ctx). It first
// takes the output folder's lock, waiting for a previous leader on this
// host that is still finishing a build, and starts with a full build: the
// catch-up of everything committed while no instance led (or before this
// one listened), since it reads every count and review from the store.
func (s *liveSite) lead(ctx context.Context) {
	release, err := s.lockOutput(ctx)
	if err != nil {
		return // ctx ended
	}
	defer release()
	s.leading.Store(true)
	defer s.leading.Store(false)
	s.log.Info("rebuild: leading; full build to catch up", "out", s.outDir)
	s.worker.ConfigChanged(time.Now())
	s.worker.Run(ctx)
	s.log.Info("rebuild: stopped leading")
}

// lockOutput takes the output folder's lock, trying again until ctx ends
// while another process holds it.
func (s *liveSite) lockOutput(ctx context.Context) (func(), error) {
	for warned := false; ; {
		release, err := build.LockOutput(s.outDir, s.holder)
		if err == nil {
			return release, nil
		}
		if !warned {
			warned = true
			s.log.Warn("rebuild: leading, waiting for the output folder", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// notifier is where the API announces changes: the worker on bbolt. On
// PostgreSQL the store's triggers announce every committed change to the
// leader, whichever instance made it, so the API announces nothing.
func (s *liveSite) notifier() beforetrip.Notifier {
	if s.pg != nil {
		return nil
	}
	return s.worker
}

// announceBuilt tells the other instances on PostgreSQL that the page list
// changed (after a build that wrote the manifest).
func (s *liveSite) announceBuilt() {
	if s.pg == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.pg.AnnounceBuilt(ctx); err != nil {
		s.log.Warn("rebuild: announcing the new page list", "err", err)
	}
}

// reloadPages reads the manifest the leader published again.
func (s *liveSite) reloadPages() {
	if err := s.pages.Reload(); err != nil {
		s.log.Warn("page index: reading the leader's manifest", "err", err)
	}
}

// hangUp is SIGHUP: a full build with the config, content and theme read
// again; an instance that follows on PostgreSQL has no worker running and
// reads the published page list again instead (after a sync from the
// leader's host, docs/scale.md).
func (s *liveSite) hangUp() {
	s.worker.ConfigChanged(time.Now())
	if s.pg != nil && !s.leading.Load() {
		s.reloadPages()
	}
}
