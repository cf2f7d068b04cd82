package search

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// BenchmarkIndexSet10k builds and encodes the index of the 10k-page
// generated site (its tips and reviews, docs made once), as a cold build
// does after analysing the pages: postings, term shards with their
// records, doc shards, all gzipped.
func BenchmarkIndexSet10k(b *testing.B) {
	dir := filepath.Join(os.TempDir(), "beforetrip-searchbench-10000")
	if _, err := os.Stat(filepath.Join(dir, "content", "_index.md")); err != nil {
		if err := sitegen.Generate(sitegen.Options{Pages: 10000, Out: dir, Seed: 1, Theme: "../themes/default"}); err != nil {
			b.Fatal(err)
		}
	}
	var docs []*Doc
	countries := map[string]bool{}
	root := filepath.Join(dir, "content", "countries")
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") || d.Name() == "_index.md" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		parts := strings.Split(rel, string(filepath.Separator)) // country/section/file
		title, body := "", string(data)
		if i := strings.Index(body, "\n---\n"); i > 0 {
			for _, l := range strings.Split(body[:i], "\n") {
				if t, ok := strings.CutPrefix(l, "title: "); ok {
					title = strings.Trim(t, `"`)
				}
			}
			body = body[i+5:]
		}
		_, text := PlainText(body)
		countries[parts[0]] = true
		docs = append(docs, NewDoc(Source{ID: rel, URL: "/countries/" + strings.TrimSuffix(rel, ".md") + "/",
			Title: title, Country: parts[0], Section: parts[1], Date: day.AddDate(0, 0, len(docs)%2000), Body: text}))
		return nil
	})
	var cs []Country
	for c := range countries {
		cs = append(cs, Country{Slug: c, Name: c})
	}
	for b.Loop() {
		New(Once()).Set(docs, cs)
	}
}
