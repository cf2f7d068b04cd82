package live

import (
	"bufio"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// serveEvents is GET /_live/events: one tab's stream. It starts with hello
// (whose id is the current build), then what the tab missed since the id
// it names (?last= or Last-Event-ID), or else the current build error,
// then every build until the tab leaves, the stream reaches its maximum
// age, or a newer stream beyond the cap ends it.
func (h *Hub) serveEvents(c *fiber.Ctx) error {
	last := c.Query("last")
	if last == "" {
		last = c.Get("Last-Event-ID")
	}
	ch, hello, missed, ok := h.open(last)
	if !ok {
		return c.SendStatus(fiber.StatusServiceUnavailable)
	}

	// The server's WriteTimeout is one deadline for a whole response; a
	// stream lives longer, so each write moves the deadline on instead.
	conn := c.Context().Conn()
	c.Set(fiber.HeaderContentType, "text/event-stream; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set("X-Accel-Buffering", "no") // nginx must not buffer the stream
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer h.remove(ch)
		// retry: reconnect quickly after a server restart or a stream's end.
		fmt.Fprintf(w, "retry: 1000\n\n")
		h.writeEvent(w, hello)
		for _, ev := range missed {
			ev.seq = 0 // past builds: the tab's last id stays hello's
			h.writeEvent(w, ev)
		}
		if flush(conn, w, h.heartbeat) != nil {
			return
		}
		tick := time.NewTicker(h.heartbeat)
		defer tick.Stop()
		age := time.NewTimer(h.maxAge)
		defer age.Stop()
		for {
			select {
			case ev, ok := <-ch:
				if !ok {
					return
				}
				h.writeEvent(w, ev)
			case <-tick.C:
				w.WriteString(": ping\n\n")
			case <-age.C:
				return // the browser reconnects and gets what it missed
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

// open registers a stream, ending the oldest one if the cap is reached,
// and returns its hello and the events the tab missed since last.
func (h *Hub) open(last string) (ch chan sse, hello sse, missed []sse, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, sse{}, nil, false
	}
	for len(h.clients) >= h.maxStreams {
		var oldest chan sse
		var at time.Time
		for c, opened := range h.clients {
			if oldest == nil || opened.Before(at) {
				oldest, at = c, opened
			}
		}
		h.dropLocked(oldest)
	}
	ch = make(chan sse, 16)
	h.clients[ch] = time.Now()
	hello = sse{name: eventHello, data: mustJSON(map[string]string{"boot": h.boot}), seq: h.seq}
	return ch, hello, h.missedLocked(last), true
}

// missedLocked returns the build events after the id last: none for a new
// tab (no id, or one from before a restart, which hello makes reload), or
// else the current error; a reload of everything when the events are no
// longer kept. h.mu is held.
func (h *Hub) missedLocked(last string) []sse {
	boot, seqText, _ := strings.Cut(last, "-")
	seq, err := strconv.ParseUint(seqText, 10, 64)
	if boot != h.boot || err != nil || seq > h.seq {
		if h.failure.name != "" {
			return []sse{h.failure}
		}
		return nil
	}
	if len(h.recent) > 0 && seq+1 < h.recent[0].seq {
		all := []sse{{name: eventReload, data: mustJSON(map[string]bool{"all": true})}}
		if h.failure.name != "" {
			all = append(all, h.failure)
		}
		return all
	}
	var missed []sse
	for _, ev := range h.recent {
		if ev.seq > seq {
			missed = append(missed, ev)
		}
	}
	return missed
}

func (h *Hub) remove(ch chan sse) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.dropLocked(ch)
}

// flush sends what w holds, allowing a client up to two heartbeats (and at
// least 10 s) to take it.
func flush(conn net.Conn, w *bufio.Writer, heartbeat time.Duration) error {
	conn.SetWriteDeadline(time.Now().Add(max(2*heartbeat, 10*time.Second)))
	return w.Flush()
}

// writeEvent writes ev, with its id if it has one. hello always has one,
// even before the first build, so that a reconnect names where it was.
func (h *Hub) writeEvent(w *bufio.Writer, ev sse) {
	if ev.seq > 0 || ev.name == eventHello {
		fmt.Fprintf(w, "id: %s-%d\n", h.boot, ev.seq)
	}
	// JSON has no raw newlines, so data fits one "data:" line.
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.name, ev.data)
}
