package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/beforetrip/beforetrip"
)

func init() {
	register("new", "scaffold a tip or review: new tip|review COUNTRY SLUG", runNew)
}

func runNew(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("new", "new tip|review COUNTRY SLUG [--config FILE]", stderr)
	loadCfg := configFlag(fs)
	// Flags may come before or after the positional arguments.
	var pos []string
	rest := args
	for len(rest) > 0 {
		if err := fs.Parse(rest); err != nil {
			return parseFlags(fs, rest)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(pos) != 3 || (pos[0] != "tip" && pos[0] != "review") {
		return usageError{errors.New("new: usage: beforetrip new tip|review COUNTRY SLUG")}
	}
	kind, country, slug := pos[0], pos[1], beforetrip.NormalizeSlug(pos[2])
	if !beforetrip.ValidSlug(slug) {
		return usageError{fmt.Errorf("new: bad slug %q: %s", slug, beforetrip.SlugRule)}
	}
	if beforetrip.ReservedSlug(kind, slug) { // kind is "tip" or "review", as beforetrip.KindTip and KindReview
		return usageError{fmt.Errorf("new: review slugs must not start with \"u-\" (reserved for reader reviews)")}
	}
	cfg, err := loadCfg()
	if err != nil {
		return err
	}
	content := cfg.Path(cfg.ContentDir)
	if strings.ContainsAny(country, `/\`) || country == "." || country == ".." {
		return usageError{fmt.Errorf("new: bad country %q", country)}
	}
	if _, err := os.Stat(filepath.Join(content, "countries", country, "_index.md")); err != nil {
		return fmt.Errorf("new: unknown country %q: no %s", country,
			filepath.Join(content, "countries", country, "_index.md"))
	}
	dir := filepath.Join(content, "countries", country, kind+"s")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("new: %w", err)
	}
	file := filepath.Join(dir, slug+".md")
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("new: %s already exists", file)
		}
		return fmt.Errorf("new: %w", err)
	}
	title := strings.ReplaceAll(slug, "-", " ")
	if r := []rune(title); len(r) > 0 {
		title = string(unicode.ToUpper(r[0])) + string(r[1:])
	}
	fm := fmt.Sprintf("---\ntitle: %q\ndate: %s\ntags: []\n", title, time.Now().Format(time.DateOnly))
	if kind == "review" {
		fm += "rating: 5\n"
	}
	fm += "draft: true\n---\n\nWrite here.\n"
	_, werr := f.WriteString(fm)
	if err := errors.Join(werr, f.Close()); err != nil {
		return fmt.Errorf("new: %w", err)
	}
	fmt.Fprintln(stdout, "created", file)
	return nil
}
