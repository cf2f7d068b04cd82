package search

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

var testWords = strings.Fields("visa visas tipping rail ferry café money 교통카드를 교통카드로 일본에서 환전 sim cash card metro bus taxi")

func randomDoc(r *rand.Rand, id string) *Doc {
	var body []string
	for range 1 + r.IntN(12) {
		body = append(body, testWords[r.IntN(len(testWords))])
	}
	return NewDoc(Source{ID: id, URL: "/" + id + "/", Title: testWords[r.IntN(len(testWords))], Country: "japan",
		Section: "tips", Date: time.Date(2025, 1, 1+r.IntN(300), 0, 0, 0, 0, time.UTC),
		Headings: []string{testWords[r.IntN(len(testWords))]}, Body: strings.Join(body, " ")})
}

// TestSyncEqualsSet: an index kept current by Sync (pages added, changed,
// removed, with tiny shards so that shard counts grow and shrink) holds the
// same files as one built from scratch, after every step.
func TestSyncEqualsSet(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	opt := ShardSizes(16, 2)
	docs := map[string]*Doc{}
	x := New(opt)
	x.Sync(nil, nil)
	for step := range 300 {
		id := fmt.Sprintf("countries/japan/tips/p%d", r.IntN(40))
		if _, ok := docs[id]; ok && r.IntN(3) == 0 {
			delete(docs, id)
		} else {
			docs[id] = randomDoc(r, id)
		}
		list := slices.Collect(maps.Values(docs))
		x.Sync(list, nil)
		fresh := New(opt)
		fresh.Set(list, nil)
		if !maps.EqualFunc(x.Files(), fresh.Files(), bytes.Equal) {
			t.Fatalf("step %d: index differs from a fresh one", step)
		}
	}
}

// TestTermShardFormat decodes a term shard and finds each page under its
// terms with its best field and date.
func TestTermShardFormat(t *testing.T) {
	a := NewDoc(Source{ID: "a", URL: "/a/", Title: "Visa rules", Body: "visas and tipping",
		Date: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)})
	b := NewDoc(Source{ID: "b", URL: "/b/", Title: "Tipping", Body: "no visa needed 교통카드를"})
	x := New()
	x.Set([]*Doc{a, b}, []Country{{Slug: "japan", Name: "Japan", Names: []string{"일본"}}})
	files := x.Files()
	var e entry
	if err := json.Unmarshal(files[EntryPath], &e); err != nil {
		t.Fatal(err)
	}
	if len(e.Terms) != 1 || len(e.Docs) != 1 || e.Countries[0].Names[0] != "일본" {
		t.Fatalf("entry %s", files[EntryPath])
	}
	post := decodeTerms(t, gunzip(t, files[Dir+"/t/"+e.Terms[0]]))
	refs := assignRefs(map[string]*Doc{"a": a, "b": b})
	day := uint32(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).Sub(epoch).Hours() / 24)
	want := map[string]map[uint32]uint32{
		"visa": {refs["a"]: uint32(FieldTitle) | day<<3, refs["b"]: uint32(FieldBody)},
		"tip":  {refs["a"]: uint32(FieldBody) | day<<3, refs["b"]: uint32(FieldTitle)},
		"카드":   {refs["b"]: uint32(FieldBody)},
	}
	for term, w := range want {
		if !maps.Equal(post[term], w) {
			t.Errorf("%s: postings %v, want %v", term, post[term], w)
		}
	}
	var recs []docRecord
	if err := json.Unmarshal(gunzip(t, files[Dir+"/d/"+e.Docs[0]]), &recs); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].Ref > recs[1].Ref {
		t.Errorf("doc shard %+v", recs)
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// decodeTerms reads a term shard: term → ref → meta.
func decodeTerms(t *testing.T, b []byte) map[string]map[uint32]uint32 {
	t.Helper()
	next := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			t.Fatal("bad varint")
		}
		b = b[n:]
		return v
	}
	out := map[string]map[uint32]uint32{}
	for len(b) > 0 {
		l := next()
		term := string(b[:l])
		b = b[l:]
		m := map[uint32]uint32{}
		ref := uint32(0)
		for n := next(); n > 0; n-- {
			ref += uint32(next())
			m[ref] = uint32(next())
		}
		out[term] = m
	}
	return out
}

// TestEditReencodesOnlyChangedTerms: a page edited by one word re-encodes
// the term shard of that word, not the shards of the
// hundreds of terms it kept (which made a one-file edit at 10k pages cost
// ~300 ms); the result still equals a fresh build.
func TestEditReencodesOnlyChangedTerms(t *testing.T) {
	var words []string
	for i := range 300 {
		words = append(words, fmt.Sprintf("w%dx", i))
	}
	src := func(id, extra string) Source {
		return Source{ID: id, URL: "/" + id + "/", Title: "Page " + id, Body: strings.Join(words, " ") + extra}
	}
	docs := []*Doc{NewDoc(src("a", "")), NewDoc(src("b", ""))}
	opt := ShardSizes(16, 1)
	x := New(opt)
	x.Sync(docs, nil)
	before := x.Files()
	docs[0] = NewDoc(src("a", " zebra"))
	x.Sync(docs, nil)
	after := x.Files()
	var terms, others []string
	for p, data := range after {
		if old, ok := before[p]; ok && &old[0] == &data[0] {
			continue
		}
		if strings.HasPrefix(p, Dir+"/t/") {
			terms = append(terms, p)
		} else {
			others = append(others, p)
		}
	}
	// zebra's shard and index.json; a's record (its text's first
	// SnippetSource bytes) is the same, so its doc shard stays.
	if len(terms) != 1 || !slices.Equal(others, []string{EntryPath}) {
		t.Errorf("re-encoded term shards %v, others %v; want 1 term shard and the entry", terms, others)
	}
	fresh := New(opt)
	fresh.Set(docs, nil)
	if !maps.EqualFunc(after, fresh.Files(), bytes.Equal) {
		t.Error("edited index differs from a fresh one")
	}
}
