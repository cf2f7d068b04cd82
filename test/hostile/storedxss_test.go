// Package hostile sends hostile reader content through the real
// `beforetrip api` and checks what the rebuild worker publishes from it.
package hostile

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/test/harness"
	"golang.org/x/net/html"
)

// The reader review's hostile title and body; 120 characters at most.
const (
	xssTitle = `</title><script>alert("t")</script><img src=x onerror=alert(1)>"'&`
	xssBody  = "<script>alert('b')</script>\n\n[x](javascript:alert(1)) <iframe src=//evil.example></iframe>\n\n" +
		"<img src=x onerror=alert(1)> ![y](data:text/html,<script>alert(2)</script>) <style>*{display:none}</style>"
)

// TestStoredXSS posts a reader review and a like with hostile text through
// the API, waits for the rebuild worker to publish the review, and checks
// every page showing it: no script but the theme's, no event handler
// attributes, no script URLs; feed.xml well-formed XML; popular.json valid.
func TestStoredXSS(t *testing.T) {
	srv := harness.NewServer(t, harness.MustBinary(t))
	srv.MustBuildSite()
	srv.Start()
	countries := srv.Pages(t)[beforetrip.KindCountry]
	if len(countries) == 0 {
		t.Fatal("no countries")
	}
	country := countries[0].Country
	c := srv.MustAccount(t, "xssreader")
	ctx := context.Background()
	st, data, err := c.Do(ctx, "POST", "/api/reviews", map[string]any{"country": country, "title": xssTitle, "rating": 5, "body": xssBody})
	if err != nil || st != http.StatusCreated {
		t.Fatalf("create review: %d %s %v", st, data, err)
	}
	var out struct{ Review beforetrip.Review }
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	id := out.Review.PageID()
	if st, data, err := c.Do(ctx, "PUT", "/api/likes?page="+id, nil); err != nil || st != 200 {
		t.Fatalf("like: %d %s %v", st, data, err)
	}
	page := filepath.Join(srv.Out, filepath.FromSlash(id), "index.html")
	// Wait until the worker has logged the builds of both changes (the
	// review and the like): it logs a build once its publish is over. The
	// published files alone are not enough: popular.json appears while the
	// same build still writes later paths and holds its temp files, which
	// the walk below would meet half-way.
	harness.WaitFor(t, 30*time.Second, "the review and the like published", func() error {
		if n := builtChanges(srv.Log()); n < 2 {
			return fmt.Errorf("%d change(s) built", n)
		}
		if _, err := os.Stat(page); err != nil {
			return err
		}
		data, err := os.ReadFile(filepath.Join(srv.Out, "popular.json"))
		if err != nil {
			return err
		}
		if !strings.Contains(string(data), id) {
			return fmt.Errorf("popular.json lacks %s", id)
		}
		return nil
	})

	if data, err := os.ReadFile(page); err != nil || !strings.Contains(html.UnescapeString(string(data)), xssTitle) {
		t.Fatalf("review page does not show the title as text: %v", err)
	}
	checked := 0
	err = filepath.WalkDir(srv.Out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !strings.Contains(string(data), "xssreader") && !strings.Contains(string(data), id) {
			return nil
		}
		checked++
		rel, _ := filepath.Rel(srv.Out, p)
		switch filepath.Ext(p) {
		case ".html":
			if problem := unsafeHTML(string(data)); problem != "" {
				t.Errorf("%s: %s", rel, problem)
			}
		case ".xml":
			if err := wellFormed(data); err != nil {
				t.Errorf("%s: not well-formed XML: %v", rel, err)
			}
		case ".json":
			if !json.Valid(data) {
				t.Errorf("%s: not valid JSON", rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 3 {
		t.Fatalf("only %d published files show the review", checked)
	}
	t.Logf("%d published files show the hostile review; none unsafe", checked)
}

// builtChanges sums the data changes (likes, comments, reader reviews) of
// the builds in a server log of JSON lines.
func builtChanges(log string) int {
	n := 0
	for _, line := range strings.Split(log, "\n") {
		var e struct {
			Msg  string
			Data int
		}
		if json.Unmarshal([]byte(line), &e) == nil && e.Msg == "live: built" {
			n += e.Data
		}
	}
	return n
}

// unsafeHTML returns what in a published page could run script: a script
// element that is not the theme's (external same-site file or JSON data),
// an event handler attribute, or a javascript:/vbscript:/data: URL outside
// img src.
func unsafeHTML(doc string) string {
	z := html.NewTokenizer(strings.NewReader(doc))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if errors.Is(z.Err(), io.EOF) {
				return ""
			}
			return z.Err().Error()
		case html.StartTagToken, html.SelfClosingTagToken:
		default:
			continue
		}
		tok := z.Token()
		attrs := map[string]string{}
		for _, a := range tok.Attr {
			attrs[strings.ToLower(a.Key)] = a.Val
			key := strings.ToLower(a.Key)
			if strings.HasPrefix(key, "on") {
				return fmt.Sprintf("<%s %s=%q>", tok.Data, a.Key, a.Val)
			}
			v := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
			for _, scheme := range []string{"javascript:", "vbscript:", "data:"} {
				if strings.HasPrefix(v, scheme) && !(scheme == "data:" && tok.Data == "img" && key == "src") &&
					(key == "href" || key == "src" || key == "action" || key == "formaction") {
					return fmt.Sprintf("<%s %s=%q>", tok.Data, a.Key, a.Val)
				}
			}
		}
		switch tok.Data {
		case "script":
			src, typ := attrs["src"], attrs["type"]
			if !(src != "" && strings.HasPrefix(src, "/") && !strings.HasPrefix(src, "//")) && typ != "application/json" &&
				typ != "application/ld+json" {
				return fmt.Sprintf("inline <script> %v", attrs)
			}
		case "iframe", "object", "embed", "frame":
			return "<" + tok.Data + ">"
		}
	}
}

// wellFormed parses data as XML to the end.
func wellFormed(data []byte) error {
	d := xml.NewDecoder(strings.NewReader(string(data)))
	for {
		if _, err := d.Token(); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}
