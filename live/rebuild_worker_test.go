package live_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/build"
	"github.com/beforetrip/beforetrip/live"
)

const tipMD = `---
title: %q
date: 2026-10-01
tags: ["rail"]
---
%s
`

func TestFileChanges(t *testing.T) {
	const tip = "content/countries/japan/tips/jr-pass.md"
	tests := []struct {
		name   string
		change func(t *testing.T, s *testSite) []string // returns changed paths
		check  func(t *testing.T, s *testSite, r live.Result)
	}{
		{"edit", func(t *testing.T, s *testSite) []string {
			MustWrite(t, s.P(tip), fmt.Sprintf(tipMD, "Rail passes in 2027", "New body."))
			return []string{s.P(tip)}
		}, func(t *testing.T, s *testSite, r live.Result) {
			if !contains(s.Read(t, "countries/japan/tips/jr-pass/index.html"), "Rail passes in 2027", "New body.") {
				t.Error("tip page not re-rendered")
			}
			if !contains(s.Read(t, "countries/japan/tips/index.html"), "Rail passes in 2027") {
				t.Error("tips list does not show the new title")
			}
		}},
		{"create", func(t *testing.T, s *testSite) []string {
			p := s.P("content/countries/japan/tips/onsen.md")
			MustWrite(t, p, fmt.Sprintf(tipMD, "Onsen manners", "Wash first."))
			return []string{p}
		}, func(t *testing.T, s *testSite, r live.Result) {
			if !contains(s.Read(t, "countries/japan/tips/onsen/index.html"), "Onsen manners") {
				t.Error("new tip page missing")
			}
			if !contains(s.Read(t, "countries/japan/index.html"), "Onsen manners") {
				t.Error("country page does not list the new tip")
			}
		}},
		{"rename over", func(t *testing.T, s *testSite) []string {
			MustWrite(t, s.P(tip)+".tmp", fmt.Sprintf(tipMD, "Atomic save", "Saved by rename."))
			if err := os.Rename(s.P(tip)+".tmp", s.P(tip)); err != nil {
				t.Fatal(err)
			}
			return []string{s.P(tip)}
		}, func(t *testing.T, s *testSite, r live.Result) {
			if !contains(s.Read(t, "countries/japan/tips/jr-pass/index.html"), "Atomic save") {
				t.Error("tip page not re-rendered")
			}
		}},
		{"delete", func(t *testing.T, s *testSite) []string {
			if err := os.Remove(s.P(tip)); err != nil {
				t.Fatal(err)
			}
			return []string{s.P(tip)}
		}, func(t *testing.T, s *testSite, r live.Result) {
			if got := s.Read(t, "countries/japan/tips/jr-pass/index.html"); got != "" {
				t.Error("deleted tip's page still on disk")
			}
			for _, f := range []string{"countries/japan/tips/index.html", "sitemap.xml", "countries/japan/index.html"} {
				if strings.Contains(s.Read(t, f), "countries/japan/tips/jr-pass/") {
					t.Errorf("%s still links the deleted tip", f)
				}
			}
		}},
		{"new country folder", func(t *testing.T, s *testSite) []string {
			idx := s.P("content/countries/france/_index.md")
			data, err := os.ReadFile(s.P("content/countries/japan/_index.md"))
			if err != nil {
				t.Fatal(err)
			}
			MustWrite(t, idx, strings.Replace(string(data), `name: "Japan"`, `name: "France"`, 1))
			return []string{idx}
		}, func(t *testing.T, s *testSite, r live.Result) {
			if !contains(s.Read(t, "countries/france/index.html"), "France") {
				t.Error("new country page missing")
			}
			if !contains(s.Read(t, "countries/index.html"), "France") {
				t.Error("countries list lacks the new country")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustSite(t)
			w := MustRun(t, s.Config)
			paths := tt.change(t, s)
			w.FilesChanged(paths, time.Now())
			r := w.Next(t)
			if r.Err != nil || r.Full || r.Seq != 2 {
				t.Fatalf("rebuild: seq %d full %v err %v", r.Seq, r.Full, r.Err)
			}
			tt.check(t, s, r)
		})
	}
}

func TestFailedBuildKeepsLastGoodSite(t *testing.T) {
	s := MustSite(t)
	w := MustRun(t, s.Config)
	const country = "content/countries/japan/_index.md"
	good, err := os.ReadFile(s.P(country))
	if err != nil {
		t.Fatal(err)
	}
	before := s.Read(t, "countries/japan/index.html")

	// One batch: a valid tip edit and a country that lost its visa rule.
	tip := s.P("content/countries/japan/tips/suica.md")
	MustWrite(t, tip, fmt.Sprintf(tipMD, "Suica everywhere", "Edited in the bad batch."))
	MustWrite(t, s.P(country), strings.Replace(string(good), "visa:", "visa_typo:", 1))
	w.FilesChanged([]string{tip, s.P(country)}, time.Now())
	r := w.Next(t)
	var errs build.Errors
	if !errors.As(r.Err, &errs) {
		t.Fatalf("got err %v, want build.Errors", r.Err)
	}
	if msg := r.Err.Error(); !contains(msg, "japan/_index.md", "visa") {
		t.Errorf("error %q does not name the file and field", msg)
	}
	if got := s.Read(t, "countries/japan/index.html"); got != before {
		t.Error("failed build changed the output")
	}
	if strings.Contains(s.Read(t, "countries/japan/tips/suica/index.html"), "Suica everywhere") {
		t.Error("failed build published part of the batch")
	}

	// Fixing the country alone also publishes the tip edit of the failed batch.
	MustWrite(t, s.P(country), string(good))
	w.FilesChanged([]string{s.P(country)}, time.Now())
	r = w.Next(t)
	if r.Err != nil {
		t.Fatalf("fixed build failed: %v", r.Err)
	}
	if !contains(s.Read(t, "countries/japan/tips/suica/index.html"), "Suica everywhere") {
		t.Error("the tip edit of the failed batch was lost")
	}
}

// TestFileCaughtMidWrite: a tool writes a page in two pieces 30 ms apart
// (the watcher hands over the first piece alone after its 10 ms quiet for
// a lone save). The build of the empty file fails, but the second piece
// arrives within the settle time, so that failure is never reported: the
// next result is the good build. An error that nothing follows is still
// reported, one settle time later.
func TestFileCaughtMidWrite(t *testing.T) {
	s := MustSite(t)
	const settle = 300 * time.Millisecond
	w := MustRun(t, s.Config, live.WithSettle(settle))
	tip := s.P("content/countries/japan/tips/onsen.md")

	MustWrite(t, tip, "")
	w.FilesChanged([]string{tip}, time.Now())
	time.Sleep(30 * time.Millisecond) // the writing tool's pause, not a wait on the worker
	MustWrite(t, tip, fmt.Sprintf(tipMD, "Onsen manners", "Wash first."))
	w.FilesChanged([]string{tip}, time.Now())
	r := w.Next(t)
	if r.Err != nil || r.Seq != 2 {
		t.Fatalf("got seq %d err %v, want the good build reported as the second", r.Seq, r.Err)
	}
	if !contains(s.Read(t, "countries/japan/tips/onsen/index.html"), "Onsen manners") {
		t.Error("the page is not out")
	}

	MustWrite(t, tip, "")
	start := time.Now()
	w.FilesChanged([]string{tip}, start)
	r = w.Next(t)
	if r.Err == nil || !strings.Contains(r.Err.Error(), "onsen.md") {
		t.Fatalf("got err %v, want the empty file named", r.Err)
	}
	if waited := time.Since(start); waited < settle {
		t.Errorf("error reported after %v, before the settle time %v", waited, settle)
	}
	if !contains(s.Read(t, "countries/japan/tips/onsen/index.html"), "Onsen manners") {
		t.Error("the failed build replaced the last good page")
	}
}

// File changes and API changes arriving together from many goroutines
// never run two builds at once: the builds' spans never overlap, and every
// change is built.
func TestNeverTwoBuildsAtOnce(t *testing.T) {
	s := MustSite(t)
	w := MustRun(t, s.Config, live.WithDebounce(time.Millisecond), live.WithMaxWait(time.Millisecond),
		live.WithCountsCooldown(0))
	tip := s.P("content/countries/japan/tips/suica.md")
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				if g == 0 {
					// Saved by rename, as editors do: a build never reads half a file.
					err := os.WriteFile(tip+".tmp", fmt.Appendf(nil, tipMD, "Suica", fmt.Sprint("edit ", i)), 0o644)
					if err == nil {
						err = os.Rename(tip+".tmp", tip)
					}
					if err != nil {
						t.Error(err)
						return
					}
					w.FilesChanged([]string{tip}, time.Now())
				} else {
					w.Notify(beforetrip.Change{Kind: beforetrip.ChangeLikes, Page: "countries/japan/tips/jr-pass"})
				}
				time.Sleep(time.Millisecond) // spread the changes over several builds
			}
		}()
	}
	wg.Wait()
	// The last edit is built by the first build that starts after it.
	MustWrite(t, tip, fmt.Sprintf(tipMD, "Suica", "final edit"))
	w.FilesChanged([]string{tip}, time.Now())
	var builds []live.Result
	for {
		r := w.Next(t)
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		builds = append(builds, r)
		if len(r.Files) > 0 && strings.Contains(s.Read(t, "countries/japan/tips/suica/index.html"), "final edit") {
			break
		}
	}
	if len(builds) < 2 {
		t.Fatalf("only %d build(s): nothing to overlap", len(builds))
	}
	for i := 1; i < len(builds); i++ {
		if prev, r := builds[i-1], builds[i]; r.Started.Before(prev.Done) || r.Seq != prev.Seq+1 {
			t.Errorf("build %d started %v before build %d was done", r.Seq, prev.Done.Sub(r.Started), prev.Seq)
		}
	}
	t.Logf("%d builds, none overlapping", len(builds))
}

func TestConfigChangeMakesNewBuilder(t *testing.T) {
	s := MustSite(t)
	title := "First title"
	cfgs := make(chan string, 1)
	cfgs <- title
	cfg := func() build.Config {
		c := s.Config()
		select {
		case title = <-cfgs:
		default:
		}
		c.Title = title
		return c
	}
	w := MustRun(t, cfg)
	cfgs <- "Second title"
	w.ConfigChanged(time.Now())
	r := w.Next(t)
	if r.Err != nil || !r.Full {
		t.Fatalf("got full %v err %v, want a full build", r.Full, r.Err)
	}
	if n := w.Builders.Load(); n != 2 {
		t.Errorf("%d builders made, want 2", n)
	}
	if !contains(s.Read(t, "index.html"), "Second title") {
		t.Error("home page does not show the new title")
	}
}
