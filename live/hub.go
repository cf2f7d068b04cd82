package live

import (
	"bufio"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
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
type Hub struct {
	heartbeat time.Duration
	boot      string

	mu      sync.Mutex
	clients map[chan sse]struct{}
	failure string // text of the last failed build; "" after a good one
	closed  bool
	done    chan struct{}
}

// sse is one event.
type sse struct {
	name string
	data []byte
}

// HubOption configures a Hub.
type HubOption func(*Hub)

// WithHeartbeat sets how often idle streams get a comment line; writing is
// the only way to notice a browser that went away.
func WithHeartbeat(d time.Duration) HubOption { return func(h *Hub) { h.heartbeat = d } }

// NewHub returns a Hub with no clients.
func NewHub(opts ...HubOption) *Hub {
	var id [8]byte
	rand.Read(id[:])
	h := &Hub{
		heartbeat: 15 * time.Second,
		boot:      hex.EncodeToString(id[:]),
		clients:   map[chan sse]struct{}{},
		done:      make(chan struct{}),
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
		c.Set(fiber.HeaderCacheControl, "no-cache")
		return c.Send(reloadJS)
	})
	app.Get("/_live/events", h.serveEvents)
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
		text := err.Error()
		h.mu.Lock()
		h.failure = text
		h.mu.Unlock()
		h.broadcast(sse{eventError, mustJSON(map[string]string{"error": text})})
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
	h.mu.Lock()
	h.failure = ""
	h.mu.Unlock()
	name := eventReload
	if dataOnly {
		name = eventData
	}
	h.broadcast(sse{name, data})
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

func (h *Hub) broadcast(ev sse) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.clients {
		select {
		case ch <- ev:
		default:
			// A tab that cannot keep up is dropped; EventSource reconnects
			// and gets the current state.
			delete(h.clients, ch)
			close(ch)
		}
	}
}

func (h *Hub) serveEvents(c *fiber.Ctx) error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return c.SendStatus(fiber.StatusServiceUnavailable)
	}
	ch := make(chan sse, 16)
	h.clients[ch] = struct{}{}
	failure := h.failure
	h.mu.Unlock()

	// The server's WriteTimeout is one deadline for a whole response; a
	// stream lives longer, so each write moves the deadline on instead.
	conn := c.Context().Conn()
	c.Set(fiber.HeaderContentType, "text/event-stream; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set("X-Accel-Buffering", "no") // nginx must not buffer the stream
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer h.remove(ch)
		// retry: reconnect quickly after a server restart.
		fmt.Fprintf(w, "retry: 1000\n\n")
		writeEvent(w, sse{eventHello, mustJSON(map[string]string{"boot": h.boot})})
		if failure != "" {
			writeEvent(w, sse{eventError, mustJSON(map[string]string{"error": failure})})
		}
		if flush(conn, w, h.heartbeat) != nil {
			return
		}
		tick := time.NewTicker(h.heartbeat)
		defer tick.Stop()
		for {
			select {
			case ev, ok := <-ch:
				if !ok {
					return
				}
				writeEvent(w, ev)
			case <-tick.C:
				w.WriteString(": ping\n\n")
			case <-h.done:
				return
			}
			if flush(conn, w, h.heartbeat) != nil {
				return // the tab went away
			}
		}
	})
	return nil
}

func (h *Hub) remove(ch chan sse) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.clients[ch]; ok {
		delete(h.clients, ch)
		close(ch)
	}
}

// flush sends what w holds, allowing a client up to two heartbeats (and at
// least 10 s) to take it.
func flush(conn net.Conn, w *bufio.Writer, heartbeat time.Duration) error {
	conn.SetWriteDeadline(time.Now().Add(max(2*heartbeat, 10*time.Second)))
	return w.Flush()
}

func writeEvent(w *bufio.Writer, ev sse) {
	// JSON has no raw newlines, so data fits one "data:" line.
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.name, ev.data)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only maps of strings and bools are marshalled here
	}
	return b
}
