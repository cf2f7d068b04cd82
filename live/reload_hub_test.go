package live_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/live"
	"github.com/gofiber/fiber/v2"
)

// MustServe serves app on a free local port until the test ends and
// returns its base URL.
func MustServe(tb testing.TB, app *fiber.App, before func()) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go app.Listener(ln)
	tb.Cleanup(func() {
		if before != nil {
			before()
		}
		app.ShutdownWithTimeout(5 * time.Second)
	})
	return "http://" + ln.Addr().String()
}

// event is one parsed server-sent event.
type event struct{ name, data, id string }

// stream reads server-sent events from one connection.
type stream struct {
	body  io.Closer
	c     chan event
	pings chan struct{}
}

// MustStream opens /_live/events.
func MustStream(tb testing.TB, base string) *stream {
	tb.Helper()
	return MustStreamFrom(tb, base, "")
}

// MustStreamFrom opens /_live/events as a tab that last saw the event
// with id last ("" for none) does.
func MustStreamFrom(tb testing.TB, base, last string) *stream {
	tb.Helper()
	u := base + "/_live/events"
	if last != "" {
		u += "?last=" + url.QueryEscape(last)
	}
	resp, err := http.Get(u)
	if err != nil {
		tb.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		tb.Fatalf("content type %q", ct)
	}
	s := &stream{body: resp.Body, c: make(chan event, 100), pings: make(chan struct{}, 1000)}
	go func() {
		defer close(s.c)
		sc := bufio.NewScanner(resp.Body)
		var ev event
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			case strings.HasPrefix(line, "id: "):
				ev.id = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, ": ping"):
				s.pings <- struct{}{}
			case line == "" && ev.name != "":
				s.c <- ev
				ev = event{}
			}
		}
	}()
	tb.Cleanup(func() { resp.Body.Close() })
	return s
}

// Next returns the next event, or fails after a timeout.
func (s *stream) Next(tb testing.TB) event {
	tb.Helper()
	select {
	case ev, ok := <-s.c:
		if !ok {
			tb.Fatal("stream closed")
		}
		return ev
	case <-time.After(5 * time.Second):
		tb.Fatal("no event within 5s")
	}
	return event{}
}

func TestHubEvents(t *testing.T) {
	hub := live.NewHub(live.WithHeartbeat(50 * time.Millisecond))
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	hub.Mount(app)
	base := MustServe(t, app, hub.Close)

	s := MustStream(t, base)
	hello := s.Next(t)
	if hello.name != "hello" || !strings.Contains(hello.data, `"boot":"`) {
		t.Fatalf("first event %+v, want hello with boot id", hello)
	}
	tests := []struct {
		name      string
		changed   []string
		dataOnly  bool
		err       error
		wantName  string
		wantData  string
		wantFresh []string // events a newly connected tab gets after hello
	}{
		{"reload", []string{"countries/japan/index.html", "index.html", "feed.xml", "tags/맛집/index.html"}, false, nil,
			"reload", `{"paths":["/countries/japan/","/","/feed.xml","/tags/맛집/"]}`, nil},
		{"error", nil, false, errors.New(`content/countries/japan/_index.md:3: field visa: required <script>`),
			"build-error", `{"error":"content/countries/japan/_index.md:3: field visa: required \u003cscript\u003e"}`,
			[]string{"build-error"}},
		{"fixed", []string{"index.html"}, false, nil, "reload", `{"paths":["/"]}`, nil},
		{"data only", []string{"popular/index.html"}, true, nil, "data", `{"paths":["/popular/"]}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hub.Built(tt.changed, tt.dataOnly, tt.err)
			got := s.Next(t)
			if got.name != tt.wantName || got.data != tt.wantData {
				t.Errorf("got %s %s, want %s %s", got.name, got.data, tt.wantName, tt.wantData)
			}
			fresh := MustStream(t, base)
			if ev := fresh.Next(t); ev.name != "hello" {
				t.Fatalf("fresh tab: first event %q", ev.name)
			}
			for _, want := range tt.wantFresh {
				if ev := fresh.Next(t); ev.name != want {
					t.Errorf("fresh tab got %q, want %q", ev.name, want)
				}
			}
		})
	}
	t.Run("many paths", func(t *testing.T) {
		many := make([]string, 501)
		for i := range many {
			many[i] = "p/index.html"
		}
		hub.Built(many, false, nil)
		if got := s.Next(t); got.data != `{"all":true}` {
			t.Errorf("got %s, want all", got.data)
		}
	})
	t.Run("close ends streams", func(t *testing.T) {
		hub.Close()
		for range s.c { // drains to the end of the stream
		}
		resp, err := http.Get(base + "/_live/events")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("after Close: status %d, want 503", resp.StatusCode)
		}
	})
}

func TestReloadScript(t *testing.T) {
	hub := live.NewHub()
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	hub.Mount(app)
	base := MustServe(t, app, hub.Close)
	resp, err := http.Get(base + "/_live/reload.js")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("content type %q", ct)
	}
	for _, want := range []string{`new EventSource("/_live/events"`, `"pagehide"`, `"pageshow"`, `"build-error"`, `"data"`, "textContent", "location.reload()"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("reload.js lacks %q", want)
		}
	}
	if strings.Contains(string(body), "innerHTML") {
		t.Error("reload.js uses innerHTML")
	}
	// The script names the last build event, as a hello would: a page
	// restored before its stream's hello came asks what it missed since.
	hub.Built([]string{"index.html"}, false, nil)
	hub.Built([]string{"index.html"}, false, nil)
	resp, err = http.Get(base + "/_live/reload.js")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ = io.ReadAll(resp.Body)
	if !regexp.MustCompile(`var last = "[0-9a-f]{16}-2";`).Match(body) {
		t.Errorf("reload.js after two builds does not name build 2:\n%.400s", body)
	}
}

func TestOutputURL(t *testing.T) {
	tests := map[string]string{
		"index.html":                    "/",
		"countries/japan/index.html":    "/countries/japan/",
		"feed.xml":                      "/feed.xml",
		"css/main.1a2b.css":             "/css/main.1a2b.css",
		"tags/맛집/index.html":            "/tags/맛집/",
		"countries/japan/tips/x.html":   "/countries/japan/tips/x.html",
		"countries/japan/../index.html": "/countries/",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := live.OutputURL(in); got != want {
				t.Errorf("OutputURL(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

// TestStreamOutlivesWriteTimeout: a server WriteTimeout bounds a whole
// response, but an event stream stays open for hours.
func TestStreamOutlivesWriteTimeout(t *testing.T) {
	hub := live.NewHub(live.WithHeartbeat(20 * time.Millisecond))
	app := fiber.New(fiber.Config{DisableStartupMessage: true, WriteTimeout: 100 * time.Millisecond})
	hub.Mount(app)
	base := MustServe(t, app, hub.Close)
	s := MustStream(t, base)
	s.Next(t)      // hello
	for range 20 { // 20 heartbeats: well past the write timeout
		select {
		case <-s.pings:
		case <-time.After(5 * time.Second):
			t.Fatal("heartbeats stopped")
		}
	}
	hub.Built([]string{"index.html"}, false, nil)
	if ev := s.Next(t); ev.name != "reload" {
		t.Errorf("got %q, want reload", ev.name)
	}
}

// Ended waits until the server ends the stream.
func (s *stream) Ended(tb testing.TB, within time.Duration) {
	tb.Helper()
	timeout := time.After(within)
	for {
		select {
		case _, ok := <-s.c:
			if !ok {
				return
			}
		case <-timeout:
			tb.Fatalf("the stream is still open after %s", within)
		}
	}
}

// TestStreamsAreCapped: a new stream beyond the cap ends the oldest one,
// so tabs that keep streams they no longer use (a page frozen in a
// back/forward cache) cannot pile them up.
func TestStreamsAreCapped(t *testing.T) {
	hub := live.NewHub(live.WithMaxStreams(2))
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	hub.Mount(app)
	base := MustServe(t, app, hub.Close)
	var streams []*stream
	for range 3 {
		s := MustStream(t, base)
		s.Next(t) // hello: the stream is registered
		streams = append(streams, s)
	}
	streams[0].Ended(t, 30*time.Second)
	hub.Built([]string{"index.html"}, false, nil)
	for i, s := range streams[1:] {
		if ev := s.Next(t); ev.name != "reload" {
			t.Errorf("stream %d: got %q, want reload", i+1, ev.name)
		}
	}
}

// TestStreamsEndWhenOld: the server ends a stream at its maximum age; the
// tab reconnects with the id of the last event it saw.
func TestStreamsEndWhenOld(t *testing.T) {
	hub := live.NewHub(live.WithMaxStreamAge(100 * time.Millisecond))
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	hub.Mount(app)
	base := MustServe(t, app, hub.Close)
	s := MustStream(t, base)
	s.Next(t)
	s.Ended(t, 30*time.Second)
}

// TestStreamReplaysMissedBuilds: a tab that opens its stream again (a
// page back from the back/forward cache, a tab back in view, a stream
// ended by the server) names the last event it saw and gets the builds it
// missed, so a page edited meanwhile reloads.
func TestStreamReplaysMissedBuilds(t *testing.T) {
	hub := live.NewHub()
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	hub.Mount(app)
	base := MustServe(t, app, hub.Close)

	hello := MustStream(t, base).Next(t)
	if hello.name != "hello" || hello.id == "" {
		t.Fatalf("hello %+v: no id before the first build", hello)
	}
	hub.Built([]string{"countries/japan/index.html"}, false, nil)
	hub.Built([]string{"popular/index.html"}, true, nil)
	hub.Built(nil, false, errors.New("content/x.md:2: bad"))

	s := MustStreamFrom(t, base, hello.id)
	again := s.Next(t)
	if again.name != "hello" || again.id == hello.id {
		t.Fatalf("hello %+v, want a new id", again)
	}
	for _, want := range []string{"reload /countries/japan/", "data /popular/", "build-error content/x.md"} {
		name, text, _ := strings.Cut(want, " ")
		ev := s.Next(t)
		if ev.name != name || !strings.Contains(ev.data, text) || ev.id != "" {
			t.Errorf("replayed %+v, want %s with %s and no id", ev, name, text)
		}
	}

	tests := []struct {
		name, last string
		want       []string // events after hello
	}{
		{"up to date", again.id, nil},
		{"new tab", "", []string{"build-error"}},
		{"another boot", "0123456789abcdef-1", []string{"build-error"}},
		{"garbage", "x", []string{"build-error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustStreamFrom(t, base, tt.last)
			s.Next(t) // hello
			for _, want := range tt.want {
				if ev := s.Next(t); ev.name != want {
					t.Errorf("got %q, want %q", ev.name, want)
				}
			}
			hub.Built([]string{"index.html"}, false, nil)
			if ev := s.Next(t); ev.name != "reload" || ev.data != `{"paths":["/"]}` {
				t.Errorf("got %+v, want the next build and nothing replayed", ev)
			}
			hub.Built(nil, false, errors.New("content/x.md:2: bad")) // broken again for the next case
			s.Next(t)
		})
	}

	t.Run("Last-Event-ID", func(t *testing.T) {
		// EventSource's own reconnect names the last id in a header.
		last := MustStream(t, base).Next(t).id
		hub.Built([]string{"countries/korea/index.html"}, false, nil)
		req, _ := http.NewRequest("GET", base+"/_live/events", nil)
		req.Header.Set("Last-Event-ID", last)
		// The timeout ends the read should the event never come.
		resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() && sc.Text() != "event: hello" {
		}
		for sc.Scan() && !strings.HasPrefix(sc.Text(), "event: ") {
		}
		sc.Scan()
		if sc.Text() != `data: {"paths":["/countries/korea/"]}` {
			t.Errorf("after hello: %q, want the missed reload", sc.Text())
		}
	})
	t.Run("too old", func(t *testing.T) {
		old := MustStream(t, base).Next(t).id
		for range 100 { // more than the hub keeps
			hub.Built([]string{"index.html"}, false, nil)
		}
		s := MustStreamFrom(t, base, old)
		s.Next(t)
		if ev := s.Next(t); ev.name != "reload" || ev.data != `{"all":true}` {
			t.Errorf("got %+v, want a reload of everything", ev)
		}
	})
}
