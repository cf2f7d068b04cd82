package search

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip/bench/sitegen"
)

// BenchmarkNewDoc analyses the pages of a generated site (bench/sitegen,
// the benchmarks' site), what a full build does for each indexed page;
// words-ns is the time per word of text.
func BenchmarkNewDoc(b *testing.B) {
	dir := b.TempDir()
	if err := sitegen.Generate(sitegen.Options{Pages: 200, Out: dir, Seed: 1, Theme: "../themes/default"}); err != nil {
		b.Fatal(err)
	}
	var srcs []Source
	words := 0
	filepath.WalkDir(filepath.Join(dir, "content"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		_, text := PlainText(string(data))
		words += len(strings.Fields(text))
		srcs = append(srcs, Source{ID: path, URL: "/" + path, Title: "Sample title", Body: text,
			Headings: []string{"Getting there", "Money"}, Tags: []string{"budget"}})
		return nil
	})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range srcs {
			NewDoc(s)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*words), "words-ns")
}
