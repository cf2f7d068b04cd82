package build

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/beforetrip/beforetrip"
)

// place is where a content file sits in the content model.
type place struct {
	kind, country, section, slug string
	lang                         string // pages of their own: the language of a <slug>.<lang>.md
}

// siteLangs are the languages a site is built in (config language); a
// page of its own may have a translation file for each.
var siteLangs = []string{"en", beforetrip.LangKorean}

// classify maps a slash-separated path relative to the content folder to
// its place, or explains why the content model has no such place. The
// country and slug are in NFC (beforetrip.NormalizeSlug): macOS names
// files decomposed, and one name must give one page ID whatever the disk.
func classify(rel string) (place, string) {
	parts := strings.Split(beforetrip.NormalizeSlug(rel), "/")
	switch {
	case rel == "_index.md":
		return place{kind: beforetrip.KindHome}, ""
	case len(parts) == 3 && parts[0] == "countries" && parts[2] == "_index.md":
		return place{kind: beforetrip.KindCountry, country: parts[1]}, ""
	case len(parts) == 4 && parts[0] == "countries" && strings.HasSuffix(parts[3], ".md") &&
		(parts[2] == beforetrip.SectionTips || parts[2] == beforetrip.SectionReviews) && parts[3] != "_index.md":
		kind := beforetrip.KindTip
		if parts[2] == beforetrip.SectionReviews {
			kind = beforetrip.KindReview
		}
		return place{kind: kind, country: parts[1], section: parts[2], slug: strings.TrimSuffix(parts[3], ".md")}, ""
	case len(parts) == 5 && parts[0] == "countries" && parts[4] == "index.md" &&
		(parts[2] == beforetrip.SectionTips || parts[2] == beforetrip.SectionReviews):
		// A page bundle: the page and its images in one folder.
		kind := beforetrip.KindTip
		if parts[2] == beforetrip.SectionReviews {
			kind = beforetrip.KindReview
		}
		return place{kind: kind, country: parts[1], section: parts[2], slug: parts[3]}, ""
	case len(parts) == 2 && parts[0] == "pages" && strings.HasSuffix(parts[1], ".md"):
		slug, lang, translated := strings.Cut(strings.TrimSuffix(parts[1], ".md"), ".")
		if translated && !slices.Contains(siteLangs, lang) {
			return place{}, fmt.Sprintf("a page's translation is pages/<slug>.<language>.md with a language of %s, got %q",
				strings.Join(siteLangs, " or "), lang)
		}
		return place{kind: beforetrip.KindPage, slug: slug, lang: lang}, ""
	}
	return place{}, "not part of the content model: expected _index.md, countries/<country>/_index.md, " +
		"countries/<country>/tips/<slug>.md, countries/<country>/reviews/<slug>.md (or <slug>/index.md " +
		"with its images beside it) or pages/<slug>.md; images belong next to the page that shows them"
}

// ignored reports whether a path under the content folder is not content
// at all: one of its segments is editor or OS debris (beforetrip.Debris,
// the watcher's rule too).
func ignored(rel string) bool {
	for seg := range strings.SplitSeq(rel, "/") {
		if beforetrip.Debris(seg) {
			return true
		}
	}
	return false
}

// contentFiles lists the content folder: absolute paths of files to load.
func (b *Builder) contentFiles() ([]string, error) {
	var files []string
	err := filepath.WalkDir(b.cfg.ContentDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != b.cfg.ContentDir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("build: list content: %w", err)
	}
	return files, nil
}

// relPath returns path relative to the content folder, slash-separated,
// and whether it lies inside it.
func (b *Builder) relPath(path string) (string, bool) {
	rel, err := filepath.Rel(b.cfg.ContentDir, path)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// resolvesInside reports whether path, with every symbolic link resolved,
// still lies in the content folder: a link (in a file or folder name) to
// elsewhere on the build machine must not get that file published. Paths
// that cannot be resolved pass; reading them reports the problem. Full
// builds only ask for files that are links (WalkDir does not enter linked
// folders); Rebuild asks for every path it is given.
func (b *Builder) resolvesInside(path string) bool {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return true
	}
	b.rootOnce.Do(func() { b.realRoot, b.realRootErr = filepath.EvalSymlinks(b.cfg.ContentDir) })
	root, err := b.realRoot, b.realRootErr
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(root, real)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// displayPath is how errors name a file: the content folder's name and
// the path inside it, e.g. "content/countries/japan/_index.md".
func (b *Builder) displayPath(rel string) string {
	return filepath.Base(b.cfg.ContentDir) + "/" + rel
}

// pageID derives the page ID from the page's place and slug.
func pageID(p *Page) string {
	switch p.Kind {
	case beforetrip.KindHome:
		return ""
	case beforetrip.KindCountry:
		return "countries/" + p.Country
	case beforetrip.KindPage:
		return p.Slug
	}
	return "countries/" + p.Country + "/" + p.Section + "/" + p.Slug
}
