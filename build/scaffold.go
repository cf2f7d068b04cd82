package build

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/beforetrip/beforetrip"
)

// ArgError is an error of NewPage about its arguments (the kind, the
// country's name, the slug), as opposed to the content folder: the
// command line reports it as a usage error.
type ArgError struct{ Msg string }

func (e *ArgError) Error() string { return e.Msg }

// NewPage scaffolds a tip or review (kind beforetrip.KindTip or KindReview)
// of country in contentDir: countries/<country>/<kind>s/<slug>.md with
// front matter the builder accepts (a title from the slug, today's date,
// rating 5 for reviews) and draft: true, so it stays unpublished until the
// editor removes that line. The slug follows the builder's rules (NFC,
// beforetrip.ValidSlug, not reserved); the country must exist and the file
// must not. It returns the file's path.
func NewPage(contentDir, kind, country, slug string, today time.Time) (string, error) {
	if kind != beforetrip.KindTip && kind != beforetrip.KindReview {
		return "", &ArgError{fmt.Sprintf("kind %q: want tip or review", kind)}
	}
	slug = beforetrip.NormalizeSlug(slug)
	if !beforetrip.ValidSlug(slug) {
		return "", &ArgError{fmt.Sprintf("bad slug %q: %s", slug, beforetrip.SlugRule)}
	}
	if beforetrip.ReservedSlug(kind, slug) {
		return "", &ArgError{beforetrip.ReservedSlugRule}
	}
	if strings.ContainsAny(country, `/\`) || country == "." || country == ".." {
		return "", &ArgError{fmt.Sprintf("bad country %q", country)}
	}
	index := filepath.Join(contentDir, "countries", country, "_index.md")
	if _, err := os.Stat(index); err != nil {
		return "", fmt.Errorf("unknown country %q: no %s", country, index)
	}
	dir := filepath.Join(contentDir, "countries", country, kind+"s")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	file := filepath.Join(dir, slug+".md")
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return "", fmt.Errorf("%s already exists", file)
		}
		return "", err
	}
	title := strings.ReplaceAll(slug, "-", " ")
	if r := []rune(title); len(r) > 0 {
		title = string(unicode.ToUpper(r[0])) + string(r[1:])
	}
	fm := fmt.Sprintf("---\ntitle: %q\ndate: %s\ntags: []\n", title, today.Format(time.DateOnly))
	if kind == beforetrip.KindReview {
		fm += "rating: 5\n"
	}
	fm += "draft: true\n---\n\nWrite here.\n"
	_, werr := f.WriteString(fm)
	if err := errors.Join(werr, f.Close()); err != nil {
		return "", err
	}
	return file, nil
}
