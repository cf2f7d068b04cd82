// Package e2e holds beforetrip's end-to-end tests: they build the real
// binary, run it as a subprocess (serve, api, build) against a small site in
// testdata/, put Debian's nginx with deploy/nginx.conf in front of it, and
// drive the JavaScript widget in real headless Chromium through chromedp.
// The package has no non-test code; see docs/widget.md and docs/deploy.md.
package e2e
