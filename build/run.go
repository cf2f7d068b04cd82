package build

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"runtime"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

// renderPublish renders paths of s on all cores, staging changed bytes,
// and publishes the batch only if everything rendered; remove are the
// published files s no longer produces. A nil batch renders without
// writing (Check).
func (b *Builder) renderPublish(ctx context.Context, s *site, th *theme, paths []string, bt *batch, remove []string) (*Result, error) {
	r := b.newRenderer(s, th)
	var done, rendered atomic.Int64
	stop := b.showProgress("rendering", &done, len(paths))
	g, gctx := errgroup.WithContext(ctx)
	var next atomic.Int64
	pool := sync.Pool{New: func() any { return new(bytes.Buffer) }}
	for range b.workers(bt) {
		g.Go(func() error {
			if bt != nil && bt.background {
				background()
			}
			for gctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(paths) {
					return nil
				}
				o := s.outputs[paths[i]]
				buf := pool.Get().(*bytes.Buffer)
				buf.Reset()
				if err := r.render(o, buf); err != nil {
					return fmt.Errorf("build: render %s: %w", paths[i], err)
				}
				rendered.Add(1)
				if bt != nil {
					if err := bt.stage(paths[i], buf); err != nil {
						return err
					}
					if b.once && o.kind == outSearch {
						o.data = nil // see full
					}
				}
				pool.Put(buf)
				done.Add(1)
				if bt != nil {
					bt.yieldToRequests()
				}
			}
			return gctx.Err()
		})
	}
	err := g.Wait()
	stop()
	if err != nil {
		bt.abortIfAny()
		return nil, err
	}
	res := b.result(s)
	res.Rendered = int(rendered.Load())
	if bt == nil {
		return res, nil
	}
	if res.Written, res.Removed, err = bt.publish(remove); err != nil {
		return nil, err
	}
	res.Unchanged = bt.same
	if r.newManifest != nil {
		b.manifest = r.newManifest
		res.Manifest = s.meta.vals
	}
	return res, nil
}

// result starts the Result of a build of s: its pages by kind.
func (b *Builder) result(s *site) *Result {
	res := &Result{Kinds: maps.Clone(s.kinds)}
	for _, n := range s.kinds {
		res.Pages += n
	}
	return res
}

// countKinds counts the manifest pages among outputs by kind.
func countKinds(outputs map[string]*output) map[string]int {
	kinds := map[string]int{}
	for _, o := range outputs {
		if k, ok := metaKind(o); ok {
			kinds[k]++
		}
	}
	return kinds
}

// stale lists the files the writer published that s does not produce:
// a full scan, for builds that do not know what disappeared.
func (b *Builder) stale(s *site) []string {
	var remove []string
	for p := range b.out.files {
		if _, ok := s.outputs[p]; !ok {
			remove = append(remove, p)
		}
	}
	return remove
}

// workers is how many goroutines load and render for batch bt (nil for a
// check): one per core, at most dataWorkers for a data-only Rebuild, two more
// for a cold build, which blocks in file creation often enough that they
// keep the cores busy meanwhile.
func (b *Builder) workers(bt *batch) int {
	n := runtime.GOMAXPROCS(0)
	if bt != nil && bt.dataOnly && b.dataWorkers > 0 {
		n = min(n, b.dataWorkers)
	}
	if bt != nil && bt.cold != nil {
		n += 2
	}
	return n
}

// backgroundNice is the nice value of data-only rebuild workers.
const backgroundNice = 10
