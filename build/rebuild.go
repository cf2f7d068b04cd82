package build

import "context"

// Rebuild applies changes incrementally (full build if nothing is loaded).
// Interim version: it runs a full build, which is always correct; the
// dependency-graph version replaces it.
func (b *Builder) Rebuild(ctx context.Context, ch Changes) (*Result, error) {
	return b.Build(ctx)
}
