package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"go.yaml.in/yaml/v3"
)

// Page templates of the theme (layouts/<name>.html). Each is parsed on top
// of layouts/baseof.html and every file in layouts/partials/.
var pageTemplates = []string{"home", "country", "single", "list", "countries", "tags", "changes", "search", "page", "404", "admin", "account", "saved"}

// theme is the parsed theme: templates, UI strings, fingerprinted assets.
type theme struct {
	tmpl    map[string]*template.Template
	i18n    map[string]string
	widget  template.JS       // JSON of the widget_* keys, for <script id="bt-i18n">
	admin   template.JS       // JSON of the admin_* keys, for the /admin/ page's script
	account template.JS       // JSON of the account_* keys, for the account pages' script
	assets  map[string]*asset // by source path under static/, e.g. "css/main.css"
	// base holds baseof.html and the partials; "shared" partials are
	// executed from it once per build and cached (see templateFuncs).
	base    *template.Template
	shared  sync.Map     // name + "\x00" + key → template.HTML
	entries atomic.Int64 // stores into shared since it was last cleared
}

// maxShared bounds the shared cache of a long-running server: keys carry
// data (counts, titles), so edits and likes keep adding new ones. Past the
// bound the cache starts over; it refills in one build.
const maxShared = 20000

// asset is one static file and the path it is published at.
type asset struct {
	src  string // "css/main.css"
	out  string // "css/main.3f2a9c1d.css"
	data []byte
}

// loadTheme reads the theme folder. Template and i18n problems are
// returned as errors naming the file.
func loadTheme(dir, lang string, funcs func(*theme) template.FuncMap) (*theme, error) {
	th := &theme{tmpl: map[string]*template.Template{}, assets: map[string]*asset{}}
	if err := th.loadI18n(filepath.Join(dir, "i18n", lang+".yaml")); err != nil {
		return nil, err
	}
	if err := th.loadAssets(filepath.Join(dir, "static")); err != nil {
		return nil, err
	}
	base := template.New("").Funcs(funcs(th))
	layouts := filepath.Join(dir, "layouts")
	shared, err := filepath.Glob(filepath.Join(layouts, "partials", "*.html"))
	if err != nil {
		return nil, fmt.Errorf("build: theme: %w", err)
	}
	shared = append([]string{filepath.Join(layouts, "baseof.html")}, shared...)
	if _, err := base.ParseFiles(shared...); err != nil {
		return nil, fmt.Errorf("build: theme: %w", err)
	}
	th.base = base
	for _, name := range pageTemplates {
		t, err := th.clone()
		if err != nil {
			return nil, fmt.Errorf("build: theme: %w", err)
		}
		if _, err := t.ParseFiles(filepath.Join(layouts, name+".html")); err != nil {
			return nil, fmt.Errorf("build: theme: %w", err)
		}
		th.tmpl[name] = t.Lookup("baseof.html")
		if th.tmpl[name] == nil {
			return nil, fmt.Errorf("build: theme: layouts/baseof.html is missing")
		}
	}
	return th, nil
}

// clone copies the base set before it is executed (html/template refuses
// to clone a set that has run).
func (th *theme) clone() (*template.Template, error) { return th.base.Clone() }

// sharedHTML renders partial name for data once and caches it under key.
// It is for the parts of every page that depend on the site only (the
// asset links, the footer) or on a few values that key holds in full (the
// header's nav item, a breadcrumb trail, a tag, a pair of counts):
// rendering them once instead of 10k times saves template time.
// data is called on a cache miss only: a page calls it several times.
func (th *theme) sharedHTML(name, key string, data func() any) (template.HTML, error) {
	if v, ok := th.shared.Load(name + "\x00" + key); ok {
		return v.(template.HTML), nil
	}
	t := th.base.Lookup(name)
	if t == nil {
		return "", fmt.Errorf("shared: no partial %q", name)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data()); err != nil {
		return "", err
	}
	h := template.HTML(buf.String())
	if th.entries.Add(1) > maxShared {
		th.shared.Clear()
		th.entries.Store(1)
	}
	th.shared.Store(name+"\x00"+key, h)
	return h, nil
}

// loadI18n reads a flat "key: text" YAML file.
func (th *theme) loadI18n(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("build: theme: %w", err)
	}
	if err := yaml.Unmarshal(data, &th.i18n); err != nil {
		return fmt.Errorf("build: theme: %s: %w", file, err)
	}
	if th.widget, err = th.scriptTexts("widget_"); err != nil {
		return fmt.Errorf("build: theme: %s: %w", file, err)
	}
	if th.admin, err = th.scriptTexts("admin_"); err != nil {
		return fmt.Errorf("build: theme: %s: %w", file, err)
	}
	if th.account, err = th.scriptTexts("account_"); err != nil {
		return fmt.Errorf("build: theme: %s: %w", file, err)
	}
	return nil
}

// scriptTexts returns the JSON of the UI strings whose keys start with
// prefix, for a script's <script type="application/json">. Encoded once,
// not per page. encoding/json escapes <, > and & as \u003c etc., so the
// text cannot end the <script> element.
func (th *theme) scriptTexts(prefix string) (template.JS, error) {
	texts := map[string]string{}
	for k, v := range th.i18n {
		if strings.HasPrefix(k, prefix) {
			texts[k] = v
		}
	}
	js, err := json.Marshal(texts)
	return template.JS(js), err
}

// loadAssets reads static/; CSS and JS files get a content hash in their
// name so they can be cached forever.
func (th *theme) loadAssets(dir string) error {
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		out := rel
		if ext := path.Ext(rel); ext == ".css" || ext == ".js" {
			sum := sha256.Sum256(data)
			out = strings.TrimSuffix(rel, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		}
		th.assets[rel] = &asset{src: rel, out: out, data: data}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("build: theme assets: %w", err)
	}
	return nil
}

// T returns the UI string for key, or the key itself so a missing
// translation is visible rather than blank.
func (th *theme) T(key string) string {
	if v, ok := th.i18n[key]; ok {
		return v
	}
	return key
}

// assetURL returns the site-relative URL of a static file, "" if absent.
func (th *theme) assetURL(src string) string {
	if a, ok := th.assets[src]; ok {
		return "/" + a.out
	}
	return ""
}

// execute renders the page template name with data.
func (th *theme) execute(w *bytes.Buffer, name string, data any) error {
	t, ok := th.tmpl[name]
	if !ok {
		return fmt.Errorf("build: no template %q", name)
	}
	return t.Execute(w, data)
}
