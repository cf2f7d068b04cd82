package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/test/harness"
)

// publishPoll is how often publish mode reads the watched page: far below
// the rebuild debounce, so it adds at most a few ms to each figure.
const publishPoll = 2 * time.Millisecond

// publishLag is the publish mode: o.Users accounts like page one after
// another through c, and after each like it waits until the built page
// o.Watch shows the count the API answered. That is the time from sending
// a like to the rebuilt page on disk, where nginx serves it: with several
// API instances on PostgreSQL, c may be one that does not lead, and the
// page is written by the leader (debounce, NOTIFY, rebuild, rename).
func publishLag(ctx context.Context, c *client, o options, page string, tokens []string, stdout io.Writer) error {
	path := "/api/likes?page=" + url.QueryEscape(page)
	var lags, acks []time.Duration
	for i, token := range tokens {
		start := time.Now()
		status, body, err := c.do("PUT", path, nil, token)
		if err != nil {
			return err
		}
		ack := time.Since(start)
		var got struct {
			Likes int  `json:"likes"`
			Liked bool `json:"liked"`
		}
		if status != 200 || json.Unmarshal(body, &got) != nil || !got.Liked {
			return fmt.Errorf("like %d of %s: status %d: %.200s", i+1, page, status, body)
		}
		if err := waitShown(ctx, o.Watch, page, got.Likes, time.Minute); err != nil {
			return fmt.Errorf("like %d: %w", i+1, err)
		}
		lags = append(lags, time.Since(start))
		acks = append(acks, ack)
	}
	slices.Sort(lags)
	slices.Sort(acks)
	lag, ackd := &stats{latencies: lags}, &stats{latencies: acks}
	fmt.Fprintf(stdout, "%d likes of %s, like sent -> %s shows the count: median %s, p95 %s, max %s (like acknowledged: median %s)\n",
		len(lags), page, o.Watch, ms(lag.pct(50)), ms(lag.pct(95)), ms(lag.pct(100)), ms(ackd.pct(50)))
	return nil
}

// firstTip is the first tip of the manifest: a page every popular list
// shows once it has a like.
func firstTip(manifest string) (string, error) {
	if manifest == "" {
		return "", errors.New("--mode publish needs --page or --manifest")
	}
	data, err := os.ReadFile(manifest)
	if err != nil {
		return "", fmt.Errorf("manifest: %w", err)
	}
	var m beforetrip.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return "", fmt.Errorf("manifest %s: %w", manifest, err)
	}
	for _, p := range m.Pages {
		if p.Kind == beforetrip.KindTip {
			return p.ID, nil
		}
	}
	return "", fmt.Errorf("manifest %s lists no tip", manifest)
}

// waitShown polls the built page file until it shows likes for page, or
// fails after within.
func waitShown(ctx context.Context, file, page string, likes int, within time.Duration) error {
	want := fmt.Sprint(likes)
	deadline := time.Now().Add(within)
	shown := ""
	for ctx.Err() == nil {
		html, err := os.ReadFile(file)
		if err == nil {
			if shown = harness.ListedLikes(string(html), page); shown == want {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s shows %q likes of %s after %s, want %s", file, shown, page, within, want)
		}
		time.Sleep(publishPoll)
	}
	return ctx.Err()
}
