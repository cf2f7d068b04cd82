package build

import (
	"context"
	"errors"
	"testing"
)

// TestOnceDoesNotRebuild: a Builder made with Once has dropped what an
// edit needs, so it refuses a Rebuild instead of publishing a wrong index.
func TestOnceDoesNotRebuild(t *testing.T) {
	ts := MustSite(t)
	b := MustBuilder(t, ts, nil, Once())
	MustBuild(t, b)
	if _, err := b.Rebuild(context.Background(), Changes{Files: []string{ts.Path("countries/japan/_index.md")}}); !errors.Is(err, errOnce) {
		t.Fatalf("Rebuild after Once: %v, want errOnce", err)
	}
	if err := b.PrepareRebuild(); !errors.Is(err, errOnce) {
		t.Fatalf("PrepareRebuild after Once: %v, want errOnce", err)
	}
}
