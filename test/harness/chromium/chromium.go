// Package chromium starts headless Chromium for the browser tests (e2e/,
// test/hostile) with one set of flags. It is apart from package harness so
// that harness's other users (bench/load) do not link chromedp.
package chromium

import (
	"context"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

// Path is Debian's Chromium; browser tests skip when it is absent.
const Path = "/usr/bin/chromium"

// Start starts headless Chromium with a fresh profile and returns its
// context, closed when the test ends; it skips the test when Chromium is
// not installed. The flags turn off background networking, component
// updates and sync, so the browser makes no requests of its own during a
// test. opts come after them and override them.
func Start(tb testing.TB, opts ...chromedp.ExecAllocatorOption) context.Context {
	tb.Helper()
	if _, err := os.Stat(Path); err != nil {
		tb.Skip("chromium is not installed (apt-get install chromium)")
	}
	opts = append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(tb.TempDir()),
	}, opts...)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		tb.Fatalf("start chromium: %v", err)
	}
	tb.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	return ctx
}
