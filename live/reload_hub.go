package live

import (
	"bytes"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Server-sent event names. "build-error" rather than "error": EventSource
// fires its own "error" event on connection trouble, and the two must not
// be confused by the page script.
const (
	eventHello  = "hello"       // {"boot": id}: a new id means the server restarted
	eventReload = "reload"      // {"paths": [...]} or {"all": true}
	eventData   = "data"        // same data; a build for likes, comments or reader reviews
	eventError  = "build-error" // {"error": text}
)

// maxReloadPaths caps the paths sent with one reload event; a full build of
// a big site would otherwise send every URL to every tab.
const maxReloadPaths = 500

//go:embed reload.js
var reloadJS []byte

// Hub tells open browser tabs about builds over server-sent events
// (GET /_live/events) and serves the page script (GET /_live/reload.js).
// Only `beforetrip serve` mounts it; production pages never load it.
//
// Every build event has an id ("<boot>-<seq>"). A tab that reconnects
// (EventSource's Last-Event-ID, or ?last= when reload.js opens the stream
// again as a page comes back from the back/forward cache or into view) is
// sent what it missed, so a page restored after an edit of it reloads.
type Hub struct {
	heartbeat  time.Duration
	maxAge     time.Duration
	maxStreams int
	boot       string

	mu      sync.Mutex
	clients map[chan sse]time.Time // when each stream opened
	seq     uint64                 // of the last build event
	recent  []sse                  // the last maxRecent build events, oldest first
	failure sse                    // the last failed build's event; name "" after a good one
	closed  bool
	done    chan struct{}
}

// sse is one event; seq 0 marks events that carry no id.
type sse struct {
	name string
	data []byte
	seq  uint64
}

// maxRecent is how many build events the Hub keeps for tabs that
// reconnect; a tab that missed more reloads.
const maxRecent = 64

// HubOption configures a Hub.
type HubOption func(*Hub)

// WithHeartbeat sets how often idle streams get a comment line; writing is
// the only way to notice a browser that went away.
func WithHeartbeat(d time.Duration) HubOption { return func(h *Hub) { h.heartbeat = d } }

// WithMaxStreamAge sets how long a stream lives before the server ends it
// (the browser reconnects after a second and is sent what it missed): a
// connection that a tab holds but no longer uses (a page kept frozen in a
// back/forward cache by a browser that keeps its connections) is given back.
func WithMaxStreamAge(d time.Duration) HubOption { return func(h *Hub) { h.maxAge = d } }

// WithMaxStreams caps the open streams; a new one beyond the cap ends the
// oldest, the one most likely held by a tab nobody looks at.
func WithMaxStreams(n int) HubOption { return func(h *Hub) { h.maxStreams = n } }

// NewHub returns a Hub with no clients.
func NewHub(opts ...HubOption) *Hub {
	var id [8]byte
	rand.Read(id[:])
	h := &Hub{
		heartbeat:  15 * time.Second,
		maxAge:     5 * time.Minute,
		maxStreams: 16,
		boot:       hex.EncodeToString(id[:]),
		clients:    map[chan sse]time.Time{},
		done:       make(chan struct{}),
	}
	for _, o := range opts {
		o(h)
	}
	return h
}

// Mount adds GET /_live/events and GET /_live/reload.js to app.
func (h *Hub) Mount(app *fiber.App) {
	app.Get("/_live/reload.js", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
		c.Set(fiber.HeaderCacheControl, "no-store") // it names the current build
		return c.Send(h.script())
	})
	app.Get("/_live/events", h.serveEvents)
}

// script returns reload.js with the id of the last build event filled
// in, the id a stream's hello would give.
func (h *Hub) script() []byte {
	h.mu.Lock()
	id := fmt.Sprintf("%s-%d", h.boot, h.seq)
	h.mu.Unlock()
	return bytes.Replace(reloadJS, []byte(`var last = "";`), []byte(`var last = "`+id+`";`), 1)
}

// Built reports a finished build to every tab: on success (err == nil) the
// output paths that changed, slash-separated and relative to the output
// folder as build.Result lists them; on failure the error text, shown in an
// overlay until the next good build. dataOnly marks builds caused only by
// likes, comments or reader reviews: tabs do not reload for those (the
// widget already shows live counts, and a reload would throw away a
// comment being typed), they only clear an error overlay.
func (h *Hub) Built(changed []string, dataOnly bool, err error) {
	if err != nil {
		h.publish(sse{name: eventError, data: mustJSON(map[string]string{"error": err.Error()})})
		return
	}
	var data []byte
	if len(changed) > maxReloadPaths {
		data = mustJSON(map[string]bool{"all": true})
	} else {
		urls := make([]string, len(changed))
		for i, p := range changed {
			urls[i] = OutputURL(p)
		}
		data = mustJSON(map[string][]string{"paths": urls})
	}
	name := eventReload
	if dataOnly {
		name = eventData
	}
	h.publish(sse{name: name, data: data})
}

// OutputURL returns the URL path that serves an output file:
// "countries/japan/index.html" → "/countries/japan/", "feed.xml" → "/feed.xml".
func OutputURL(file string) string {
	u := "/" + strings.TrimPrefix(path.Clean("/"+file), "/")
	if strings.HasSuffix(u, "/index.html") {
		return strings.TrimSuffix(u, "index.html")
	}
	return u
}

// Close ends every open stream (the server cannot shut down while streams
// are open) and refuses new ones.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
}

// publish numbers a build event, keeps it for tabs that reconnect and
// sends it to every open stream.
func (h *Hub) publish(ev sse) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	ev.seq = h.seq
	h.recent = append(h.recent, ev)
	if len(h.recent) > maxRecent {
		h.recent = h.recent[len(h.recent)-maxRecent:]
	}
	h.failure = sse{}
	if ev.name == eventError {
		h.failure = ev
	}
	for ch := range h.clients {
		select {
		case ch <- ev:
		default:
			// A tab that cannot keep up is dropped; EventSource reconnects
			// and is sent what it missed.
			h.dropLocked(ch)
		}
	}
}

// dropLocked ends a stream; h.mu is held.
func (h *Hub) dropLocked(ch chan sse) {
	if _, ok := h.clients[ch]; ok {
		delete(h.clients, ch)
		close(ch)
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only maps of strings and bools are marshalled here
	}
	return b
}
