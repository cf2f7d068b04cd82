package live

import (
	"errors"
	"io/fs"
	"mime"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// contentTypes pins the types of what the builder writes, so they do not
// depend on the machine's /etc/mime.types.
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".json":  "application/json",
	".xml":   "application/xml; charset=utf-8",
	".txt":   "text/plain; charset=utf-8",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".jpg":   "image/jpeg",
	".jpeg":  "image/jpeg",
	".webp":  "image/webp",
	".ico":   "image/x-icon",
	".woff2": "font/woff2",
}

// Static returns a handler serving the built site in dir the way nginx does
// in production: index.html for folders (redirecting "/a" to "/a/"), no
// folder listings, dotfiles (the page manifest) never served, and the site's
// 404.html with status 404 for misses.
//
// Each request reads the file afresh. The builder replaces files by rename,
// so a read sees either the old or the new file, never a mix, and no cache
// can serve a page that a rebuild already replaced.
func Static(dir string, opts ...StaticOption) fiber.Handler {
	var o staticOptions
	for _, opt := range opts {
		opt(&o)
	}
	return func(c *fiber.Ctx) error {
		// fasthttp's Path is percent-decoded and has ".." resolved.
		p := string(c.Context().URI().Path())
		if hidden(p) {
			return notFound(c, dir, o)
		}
		file := filepath.Join(dir, filepath.FromSlash(path.Clean("/"+p)))
		fi, err := os.Stat(file)
		if err != nil {
			if p == "/favicon.ico" {
				// As nginx (deploy/nginx.conf): browsers that ignore the
				// theme's SVG icon ask for this on every page.
				return c.SendStatus(fiber.StatusNoContent)
			}
			return notFound(c, dir, o)
		}
		if fi.IsDir() {
			if !strings.HasSuffix(p, "/") {
				// From the cleaned path, never the raw one: a raw "//host/.."
				// or "/\host/.." Location sends browsers to another site.
				loc := (&url.URL{Path: path.Clean("/"+p) + "/"}).EscapedPath()
				if q := c.Context().URI().QueryString(); len(q) > 0 {
					loc += "?" + string(q)
				}
				return c.Redirect(loc, fiber.StatusMovedPermanently)
			}
			file = filepath.Join(file, "index.html")
		}
		data, err := os.ReadFile(file)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) {
				return notFound(c, dir, o)
			}
			return err
		}
		c.Set(fiber.HeaderContentType, contentType(file))
		c.Set(fiber.HeaderCacheControl, "no-cache")
		return c.Send(data)
	}
}

// StaticOption configures Static.
type StaticOption func(*staticOptions)

type staticOptions struct {
	liveReload bool
}

// WithLiveReload makes misses answer, while the site has no 404.html (its
// first build failed), a page that loads the live-reload script: the tab
// shows the build error and reloads once the build succeeds.
func WithLiveReload() StaticOption { return func(o *staticOptions) { o.liveReload = true } }

// notBuiltPage is the 404 of a site whose first build has not succeeded.
const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Not built yet · beforetrip</title>
<script src="/_live/reload.js" defer></script></head>
<body><h1>Not built yet</h1><p>This page does not exist (yet). If the build failed, the error is shown above:
fix the file and save, and this tab reloads.</p></body></html>
`

func notFound(c *fiber.Ctx, dir string, o staticOptions) error {
	c.Set(fiber.HeaderCacheControl, "no-cache")
	data, err := os.ReadFile(filepath.Join(dir, "404.html"))
	if err != nil {
		if o.liveReload {
			c.Set(fiber.HeaderContentType, contentTypes[".html"])
			return c.Status(fiber.StatusNotFound).SendString(notBuiltPage)
		}
		return c.Status(fiber.StatusNotFound).SendString("404 page not found")
	}
	c.Set(fiber.HeaderContentType, contentTypes[".html"])
	return c.Status(fiber.StatusNotFound).Send(data)
}

// hidden reports whether any segment of the URL path starts with a dot.
func hidden(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

func contentType(file string) string {
	ext := strings.ToLower(filepath.Ext(file))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}
