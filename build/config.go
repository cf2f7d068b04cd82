// Package build is the site builder: it loads the Markdown content,
// validates it, renders pages with the theme's html/template layouts on all
// cores, and publishes them atomically into the output folder. A Builder
// keeps the loaded site and an explicit dependency graph in memory so that
// Rebuild re-renders only what a change shows up in.
package build

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/build/images"
	"github.com/beforetrip/beforetrip/build/markdown"
	"github.com/beforetrip/beforetrip/search"
	"github.com/beforetrip/beforetrip/ugc"
)

// Config is what a Builder builds.
type Config struct {
	ContentDir, ThemeDir, OutDir string // required
	BaseURL                      string // absolute, ends with "/"
	Title                        string
	Language                     string // "en" | "ko": themes/default/i18n/<lang>.yaml
	// ContentLanguage is the language tag of pages that name none and are
	// not mostly Hangul (those are Korean); default Language. An English
	// sample site built with the Korean theme texts says "en" here.
	ContentLanguage string
	UnsafeHTML      bool // editors' raw HTML allowed (default false)
	Drafts          bool
	Future          bool   // publish tips and reviews dated in the future (previews)
	APIOrigin       string // "" = same origin; written into <meta name="bt-api">
	LiveReload      bool   // serve mode only: inject the live-reload script
	// CacheDir keeps resized images between builds (by content hash and
	// settings); default: .beforetrip-cache/images beside OutDir. Never
	// inside OutDir: the builder removes files it did not publish there.
	CacheDir string
	// RenderCacheDir keeps the render cache of full builds (rendercache.go):
	// what each tip and review file loaded and rendered to, by a hash of
	// its bytes, its images, the theme, the configuration and the build.
	// Default: .beforetrip-cache/render beside OutDir; never inside it.
	RenderCacheDir string
	// NoRenderCache makes full builds load and render every page
	// (`build --no-cache`); the image cache stays on.
	NoRenderCache bool
}

// Option configures a Builder.
type Option func(*Builder)

// WithSiteData sets where like/comment counts and reader reviews come from;
// nil means none.
func WithSiteData(d beforetrip.SiteData) Option { return func(b *Builder) { b.data = d } }

// WithLogger sets the logger.
func WithLogger(l *slog.Logger) Option { return func(b *Builder) { b.log = l } }

// WithProgress makes builds report progress to w (meant for terminals).
func WithProgress(w io.Writer) Option { return func(b *Builder) { b.progress = w } }

// WithDataRebuildWorkers makes a Rebuild caused only by data changes
// (likes, comment counts, reader reviews: Changes without Files) render
// with at most n goroutines, each on a thread of lower priority (nice 10,
// on Linux). A server re-rendering baked counts during a like storm then
// leaves the other cores, and first call on the CPU, to the requests; file
// edits and full builds still use every core at normal priority. n ≤ 0:
// no limit and no lower priority.
func WithDataRebuildWorkers(n int) Option { return func(b *Builder) { b.dataWorkers = n } }

// Once makes a Builder for one Build, dropped after it (the build
// command): the search index it builds keeps nothing an edit would need
// (search.Once), and Rebuild fails.
func Once() Option { return func(b *Builder) { b.once = true } }

// TuneGC sets the garbage collector of a process that builds once and
// exits (the build command, with Once): it trades memory the build has to
// spare for fewer collections (GOGC 400), bounded by a 200 MiB soft limit
// (a cold 10k build keeps ~120 MB live at its peak). GOGC or GOMEMLIMIT in
// the environment win.
func TuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(200 << 20)
	}
}

// Builder builds one site. It is not safe for concurrent Build/Rebuild
// calls: callers run one at a time.
type Builder struct {
	cfg      Config
	data     beforetrip.SiteData
	log      *slog.Logger
	progress io.Writer
	md       *markdown.Converter
	ugc      *ugc.Renderer
	imgs     *images.Cache
	out      *writer
	// dataWorkers caps the render goroutines of data-only rebuilds
	// (WithDataRebuildWorkers).
	dataWorkers int
	once        bool // Once

	// Loaded state, kept between builds for Rebuild.
	files   map[string]*Page // absolute content path → page (drafts included, Draft set)
	theme   *theme
	counts  map[string]beforetrip.Counts
	readers []beforetrip.Review
	month   map[string]int64 // likes in the window (month.go)
	monthAt time.Time        // when month was read
	site    *site
	// manifest is the last published manifest (see manifest.go).
	manifest *manifestState
	lim      limits // list sizes (defaultLimits)
	// readerCache keeps reader review pages between rebuilds (collect.go).
	readerCache map[uint64]readerEntry
	// itemHTML keeps rendered list entries between rebuilds (render.go):
	// page ID (+ variant) → itemEntry.
	itemHTML sync.Map
	// search is the published search index; searchFiles its files,
	// nextSearchFiles those of the build in progress; searchCtxs the
	// countries' names its pages were indexed with (search.go).
	search          *search.Index
	searchFiles     map[string][]byte
	nextSearchFiles map[string][]byte
	searchCtxs      map[string]*searchCtx
	searchShards    [2]int // postings and docs per shard (search.ShardSizes); zero: the defaults. Tests: tiny shards
	// searchKept is the index a full build kept published without
	// building it (searchkeep.go): the next Rebuild builds it.
	searchKept *keptSearch
	// noIndex leaves the search index out of full builds: only
	// BenchmarkIndexOverhead10k sets it, to measure what indexing adds.
	noIndex bool
	// The content folder with symbolic links resolved (see resolvesInside).
	rootOnce    sync.Once
	realRoot    string
	realRootErr error
	// rc is the render cache while a full build runs (rendercache.go).
	rc *renderCache
	// now is the clock (WithClock); asOf the moment the current site
	// was built for: pages dated after it are scheduled (schedule.go).
	now  func() time.Time
	asOf time.Time
	// sched is the pages the last build held back, by file, with their
	// dates; next the earliest of those.
	next  time.Time
	sched map[string]time.Time
}

// New checks cfg and returns a Builder. Nothing is read until Build.
func New(cfg Config, opts ...Option) (*Builder, error) {
	if cfg.ContentDir == "" || cfg.ThemeDir == "" || cfg.OutDir == "" {
		return nil, errors.New("build: ContentDir, ThemeDir and OutDir are required")
	}
	if cfg.CacheDir == "" {
		cfg.CacheDir = filepath.Join(filepath.Dir(filepath.Clean(cfg.OutDir)), ".beforetrip-cache", "images")
	}
	if cfg.RenderCacheDir == "" {
		cfg.RenderCacheDir = filepath.Join(filepath.Dir(filepath.Clean(cfg.OutDir)), ".beforetrip-cache", "render")
	}
	for _, p := range []*string{&cfg.ContentDir, &cfg.ThemeDir, &cfg.OutDir, &cfg.CacheDir, &cfg.RenderCacheDir} {
		abs, err := filepath.Abs(*p)
		if err != nil {
			return nil, fmt.Errorf("build: %w", err)
		}
		*p = abs
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "/"
	}
	if u, err := url.Parse(cfg.BaseURL); err != nil || (cfg.BaseURL != "/" && !u.IsAbs()) {
		return nil, fmt.Errorf("build: base URL %q must be absolute, like https://example.com/", cfg.BaseURL)
	}
	if !strings.HasSuffix(cfg.BaseURL, "/") {
		cfg.BaseURL += "/"
	}
	switch cfg.Language {
	case "":
		cfg.Language = "en"
	case "en", "ko":
	default:
		return nil, fmt.Errorf("build: language %q: want en or ko", cfg.Language)
	}
	if cfg.ContentLanguage == "" {
		cfg.ContentLanguage = cfg.Language
	} else if !beforetrip.ValidLang(cfg.ContentLanguage) {
		return nil, fmt.Errorf("build: content language %q: want a language tag like en or ko", cfg.ContentLanguage)
	}
	if cfg.Title == "" {
		cfg.Title = "beforetrip"
	}
	b := &Builder{cfg: cfg, log: slog.New(slog.DiscardHandler), lim: defaultLimits, now: time.Now}
	for _, o := range opts {
		o(b)
	}
	b.md = markdown.New(markdown.WithUnsafeHTML(cfg.UnsafeHTML))
	b.ugc = ugc.New()
	b.out = newWriter(cfg.OutDir)
	b.imgs = images.NewCache(cfg.CacheDir)
	return b, nil
}
