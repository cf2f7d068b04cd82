package build

import (
	"context"
	"runtime"
	"strings"
	"testing"
)

func TestTmpTableBomb(t *testing.T) {
	for _, n := range []int{20000, 40000} {
		head := "|" + strings.Repeat("a|", n/8) + "\n|" + strings.Repeat("-|", n/8) + "\n"
		body := head + strings.Repeat("|\n", (n-len(head))/2)
		root := t.TempDir()
		b := mustAttackSite(t, root, map[string]string{"countries/japan/tips/bomb.md": "---\ntitle: B\ndate: 2025-01-01\n---\n" + body})
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := b.Check(context.Background())
		runtime.ReadMemStats(&after)
		t.Logf("n=%d err=%v alloc=%d MiB peak-sys=%d MiB", n, err, (after.TotalAlloc-before.TotalAlloc)>>20, after.Sys>>20)
	}
}
