package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	"go.yaml.in/yaml/v3"
)

// maxWidgetBytes is the budget of the unminified widget: widget.js and
// widget.css together (issue 5).
const maxWidgetBytes = 30000

// readStatic reads a file under themes/default/static.
func readStatic(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "themes", "default", "static", filepath.FromSlash(path)))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func readWidget(tb testing.TB) string {
	tb.Helper()
	return readStatic(tb, "js/widget.js")
}

// readWidgetModules reads the widget and the modules it loads on first
// use (js/review.js, js/report.js): their texts come from the same keys.
func readWidgetModules(tb testing.TB) string {
	tb.Helper()
	return readWidget(tb) + readStatic(tb, "js/review.js") + readStatic(tb, "js/report.js")
}

func TestWidgetSize(t *testing.T) {
	js, css := len(readWidget(t)), len(readStatic(t, "css/widget.css"))
	if js+css > maxWidgetBytes {
		t.Errorf("widget.js %d + widget.css %d = %d bytes, budget %d", js, css, js+css, maxWidgetBytes)
	}
}

// TestWidgetTexts checks that every text the widget asks for with t('key')
// (or a login prompt key) exists as widget_<key> in every language file, so
// no reader ever sees a bare key.
func TestWidgetTexts(t *testing.T) {
	js := readWidgetModules(t)
	keys := map[string]bool{"hidden": true, "rejected": true, "pinned": true} // t(flag) in fill
	for _, r := range []string{"spam", "abuse", "off_topic", "other"} {
		keys["reason_"+r] = true // the reasons map of report.js
	}
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`\bt\('([a-z_]+)'`),
		regexp.MustCompile(`loginPrompt\('([a-z_]+)'`),
	} {
		for _, m := range re.FindAllStringSubmatch(js, -1) {
			keys[m[1]] = true
		}
	}
	if len(keys) < 20 {
		t.Fatalf("found only %d text keys in widget.js: the pattern is out of date", len(keys))
	}
	for _, lang := range []string{"en", "ko"} {
		t.Run(lang, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(repoRoot, "themes", "default", "i18n", lang+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var texts map[string]string
			if err := yaml.Unmarshal(b, &texts); err != nil {
				t.Fatalf("%s.yaml: %v", lang, err)
			}
			var missing []string
			for k := range keys {
				if texts["widget_"+k] == "" {
					missing = append(missing, "widget_"+k)
				}
			}
			sort.Strings(missing)
			if len(missing) > 0 {
				t.Errorf("%s.yaml lacks %v", lang, missing)
			}
		})
	}
}
