package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/term"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/build"
)

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("build", "build [--config FILE] [--out DIR] [--drafts] [--future] [--no-cache]", stderr)
	loadCfg := configFlag(fs)
	out := fs.String("out", "", "output `DIR` (default: out_dir of the config)")
	drafts := fs.Bool("drafts", false, "include pages marked draft: true")
	future := fs.Bool("future", false, "include tips and reviews dated in the future (scheduled)")
	noCache := fs.Bool("no-cache", false, "load and render every page again instead of reusing the render cache")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadCfg()
	if err != nil {
		return err
	}
	bc := cfg.buildConfig()
	if *out != "" {
		bc.OutDir = *out
	}
	bc.Drafts, bc.Future, bc.NoRenderCache = *drafts, *future, *noCache
	opts := []build.Option{build.WithLogger(slog.New(slog.NewTextHandler(stderr, nil))), build.Once()}
	if f, ok := stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		opts = append(opts, build.WithProgress(stdout))
	}
	b, err := build.New(bc, opts...)
	if err != nil {
		return err
	}
	release, err := build.LockOutput(bc.OutDir, "build")
	if err != nil {
		return err
	}
	defer release()
	build.TuneGC()
	res, err := b.Build(ctx)
	if err != nil {
		return contentError(err, stderr)
	}
	printSummary(stdout, res, bc.OutDir)
	return nil
}

// buildConfig maps config.yaml to the builder's configuration.
func (c *Config) buildConfig() build.Config {
	return build.Config{
		ContentDir:      c.Path(c.ContentDir),
		ThemeDir:        c.Path(c.ThemeDir),
		OutDir:          c.Path(c.OutDir),
		BaseURL:         c.BaseURL,
		Title:           c.Title,
		Language:        c.Language,
		UnsafeHTML:      c.Markdown.UnsafeHTML,
		ContentLanguage: c.ContentLanguage,
		APIOrigin:       c.API.Origin,
		CacheDir:        filepath.Join(c.Path(c.DataDir), "cache", "images"),
		// The render cache sits beside the images: in the data folder,
		// which build, serve and api share.
		RenderCacheDir: filepath.Join(c.Path(c.DataDir), "cache", "render"),
	}
}

// contentError prints build.Errors one per line and returns a short error;
// other errors pass through.
func contentError(err error, stderr io.Writer) error {
	var errs build.Errors
	if e, ok := err.(build.Errors); ok {
		errs = e
	}
	if len(errs) == 0 {
		return err
	}
	for _, e := range errs {
		fmt.Fprintln(stderr, e.Error())
	}
	return fmt.Errorf("%d content error(s); nothing was written", len(errs))
}

// printSummary prints a Hugo-like table of what was built.
func printSummary(w io.Writer, res *build.Result, outDir string) {
	kinds := []string{beforetrip.KindHome, beforetrip.KindCountry, beforetrip.KindTip, beforetrip.KindReview,
		beforetrip.KindReaderReview, beforetrip.KindList, beforetrip.KindTag, beforetrip.KindPopular}
	fmt.Fprintf(w, "\n%-16s| %s\n%s\n", "", "pages", strings.Repeat("-", 26))
	for _, k := range kinds {
		fmt.Fprintf(w, "%-16s| %6d\n", k, res.Kinds[k])
	}
	for k, n := range res.Kinds {
		if !slices.Contains(kinds, k) {
			fmt.Fprintf(w, "%-16s| %6d\n", k, n)
		}
	}
	fmt.Fprintf(w, "%-16s| %6d\n\n", "total", res.Pages)
	fmt.Fprintf(w, "Rendered %d files: %d written, %d unchanged, %d removed; %d pages from the render cache.\n",
		res.Rendered, len(res.Written), res.Unchanged, len(res.Removed), res.Cached)
	if res.Resized > 0 {
		fmt.Fprintf(w, "%d images resized (kept in the image cache: the next build reuses them).\n", res.Resized)
	}
	if res.Scheduled > 0 {
		fmt.Fprintf(w, "%d scheduled: dated in the future, published on their date by serve and api (--future includes them now).\n", res.Scheduled)
	}
	fmt.Fprintf(w, "Built in %d ms into %s\n", res.Duration.Milliseconds(), outDir)
}
