package search

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
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
// terms with its best field and date, and the records of its first hits
// with a snippet window around the term.
func TestTermShardFormat(t *testing.T) {
	a := NewDoc(Source{ID: "a", URL: "/a/", Title: "Visa rules", Body: "visas and tipping",
		Date: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Country: "japan", Section: "tips"})
	b := NewDoc(Source{ID: "b", URL: "/b/", Title: "Tipping", Body: strings.Repeat("Long text before. ", 10) + "no visa needed 교통카드를"})
	x := New()
	x.Set([]*Doc{a, b}, []Country{{Slug: "japan", Name: "Japan", Names: []string{"일본"}}})
	files := x.Files()
	var e entry
	if err := json.Unmarshal(files[EntryPath], &e); err != nil {
		t.Fatal(err)
	}
	paths, err := EntryFiles(files[EntryPath])
	if err != nil || len(paths) != 2 || e.Countries[0].Names[0] != "일본" {
		t.Fatalf("entry %s: %v %v", files[EntryPath], paths, err)
	}
	shard := decodeTerms(t, gunzip(t, files[Dir+"/"+paths[0]]))
	refs := assignRefs(map[string]*Doc{"a": a, "b": b})
	day := uint32(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).Sub(epoch).Hours() / 24)
	want := map[string]map[uint32]uint32{
		"visa": {refs["a"]: uint32(FieldTitle) | day<<3, refs["b"]: uint32(FieldBody)},
		"tip":  {refs["a"]: uint32(FieldBody) | day<<3, refs["b"]: uint32(FieldTitle)},
		"카드":   {refs["b"]: uint32(FieldBody)},
	}
	for term, w := range want {
		if !maps.Equal(shard[term].post, w) {
			t.Errorf("%s: postings %v, want %v", term, shard[term].post, w)
		}
	}
	// visa: a (title) first, then b, whose window starts a few words before
	// "visa" (the text goes on before it) and runs to the text's end.
	recs := shard["visa"].recs
	if len(recs) != 2 || recs[0].ref != refs["a"] || recs[0].f[0] != "/a/" || recs[0].f[2] != "japan" || recs[0].f[3] != "tips" ||
		recs[0].f[4] != "visas and tipping" || recs[0].flags != 0 {
		t.Fatalf("visa records %+v", recs)
	}
	if w := recs[1].f[4]; recs[1].ref != refs["b"] || recs[1].f[1] != "Tipping" || !strings.HasSuffix(w, "no visa needed 교통카드를") ||
		len([]rune(w)) > windowBefore+len([]rune("no visa needed 교통카드를")) || recs[1].flags != winCutStart {
		t.Errorf("visa record of b %+v", recs[1])
	}
	var docs []docRecord
	if err := json.Unmarshal(gunzip(t, files[Dir+"/"+paths[1]]), &docs); err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docs[0].Ref > docs[1].Ref {
		t.Errorf("doc shard %+v", docs)
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

// shardTerm is a term of a decoded term shard.
type shardTerm struct {
	post map[uint32]uint32 // ref → meta
	recs []shardRec
}

// shardRec is a record: its ref, URL, title, country, section, window.
type shardRec struct {
	ref   uint32
	f     [5]string
	flags uint64
}

// decodeTerms reads a term shard.
func decodeTerms(t *testing.T, b []byte) map[string]shardTerm {
	t.Helper()
	next := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			t.Fatal("bad varint")
		}
		b = b[n:]
		return v
	}
	str := func() string {
		l := next()
		s := string(b[:l])
		b = b[l:]
		return s
	}
	out := map[string]shardTerm{}
	for len(b) > 0 {
		term := str()
		if l := next(); l > uint64(len(b)) {
			t.Fatalf("%s: block of %d bytes, %d left", term, l, len(b))
		}
		st := shardTerm{post: map[uint32]uint32{}}
		var refs []uint32
		ref := uint32(0)
		n := int(next())
		for range n {
			ref += uint32(next())
			refs = append(refs, ref)
		}
		fields := b[:n]
		b = b[n:]
		for i, r := range refs {
			st.post[r] = uint32(fields[i]) | uint32(next())<<3
		}
		for n := next(); n > 0; n-- {
			r := shardRec{ref: refs[next()]}
			for i := range r.f {
				r.f[i] = str()
			}
			r.flags = next()
			st.recs = append(st.recs, r)
		}
		out[term] = st
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

// TestEditUpdatesRecords: an edit that changes no term but a record a term
// shard carries (a title's punctuation, the text around a term's first
// occurrence) re-encodes the shards holding that record, which then equal
// a fresh build's, and only those.
func TestEditUpdatesRecords(t *testing.T) {
	src := func(title, body string) Source {
		return Source{ID: "a", URL: "/a/", Title: title, Body: body}
	}
	other := NewDoc(Source{ID: "b", URL: "/b/", Title: "Ferry", Body: "ferry rail"})
	opt := ShardSizes(1, 1)
	x := New(opt)
	x.Sync([]*Doc{NewDoc(src("Visa rules", "rail pass, then ferry")), other}, nil)
	for _, edit := range []Source{src("Visa rules!", "rail pass, then ferry"), src("Visa rules!", "rail pass; then ferry")} {
		before := x.Files()
		docs := []*Doc{NewDoc(edit), other}
		x.Sync(docs, nil)
		after := x.Files()
		fresh := New(opt)
		fresh.Set(docs, nil)
		if !maps.EqualFunc(after, fresh.Files(), bytes.Equal) {
			t.Fatalf("%+v: index differs from a fresh one", edit)
		}
		var changed []string
		for p := range after {
			if _, ok := before[p]; !ok && strings.HasPrefix(p, Dir+"/t/") {
				changed = append(changed, p)
			}
		}
		// a's records are in the shards of all its terms (rail and ferri
		// too, which b holds); b's are in other shards.
		want := map[int]bool{}
		for _, term := range docs[0].Terms {
			want[ShardOf(term.String(), len(x.shards))] = true
		}
		if len(changed) != len(want) {
			t.Errorf("%+v: %d term shards re-encoded, want a's %d: %v", edit, len(changed), len(want), changed)
		}
	}
}

// TestCountryNameCarriesItsPages: the term a query names a country by
// carries the records of all the country's pages (tag or higher), beyond
// the first hits other terms carry, with shorter windows; pages that only
// mention the name do not ride along. Changing the countries re-encodes
// the shards of the terms that start or stop naming one.
func TestCountryNameCarriesItsPages(t *testing.T) {
	if got := slices.Sorted(maps.Keys(nameTerms([]Country{
		{Slug: "south-korea", Name: "South Korea", Names: []string{"대한민국", "한국"}},
		{Slug: "australia", Name: "Australia", Names: []string{"오스트레일리아"}},
	}))); !slices.Equal(got, []string{"australia", "korea", "대한", "오스", "한국"}) {
		t.Errorf("nameTerms = %q", got)
	}
	day := func(n int) time.Time { return time.Date(2025, 1, n, 0, 0, 0, 0, time.UTC) }
	docs := []*Doc{NewDoc(Source{ID: "countries/japan", URL: "/japan/", Title: "Japan", Names: []string{"Japan", "일본"},
		Country: "japan", Date: day(1)})}
	for i := range 6 {
		docs = append(docs, NewDoc(Source{ID: fmt.Sprint("tip", i), URL: fmt.Sprintf("/japan/tip%d/", i),
			Title: fmt.Sprint("Rail pass ", i), Tags: []string{"Japan", "일본"}, Country: "japan", Section: "tips",
			Date: day(2 + i), Body: strings.Repeat("Trains run on time and the rail pass covers most lines. ", 6)}))
	}
	docs = append(docs, NewDoc(Source{ID: "korea-tip", URL: "/korea/tip/", Title: "Ferry", Country: "south-korea",
		Section: "tips", Date: day(20), Body: "The ferry to Japan leaves at nine; a rail pass does not cover it."}))
	japan := []Country{{Slug: "japan", Name: "Japan", Names: []string{"일본"}}}
	opt := []Option{RecordsPerTerm(2), ShardSizes(1, 1)}
	x := New(opt...)
	x.Set(docs, japan)
	refs := assignRefs(x.docs)
	shards := map[string]shardTerm{}
	for p, data := range x.Files() {
		if strings.HasPrefix(p, Dir+"/t/") {
			maps.Copy(shards, decodeTerms(t, gunzip(t, data)))
		}
	}
	for _, term := range []string{"japan", "일본"} {
		recs := shards[term].recs
		if len(recs) != 7 || recs[0].ref != refs["countries/japan"] {
			t.Fatalf("%s: %d records, want the country page and its 6 tips: %+v", term, len(recs), recs)
		}
		for i, r := range recs {
			if r.ref == refs["korea-tip"] {
				t.Errorf("%s carries a page that only mentions it", term)
			}
			if n := len([]rune(r.f[4])); i >= 2 && (n > headRunes || !strings.HasPrefix(x.byRef[r.ref].Text, r.f[4])) {
				t.Errorf("%s: record %d has a window of %d characters, want the text's first %d", term, i, n, headRunes)
			}
		}
	}
	if n := len(shards["pass"].recs); n != 2 {
		t.Errorf("pass: %d records, want 2 (RecordsPerTerm)", n)
	}

	// Japan leaves the countries: its name's terms carry 2 records again,
	// as a fresh index of the same docs does.
	x.Sync(docs, nil)
	fresh := New(opt...)
	fresh.Set(docs, nil)
	if !maps.EqualFunc(x.Files(), fresh.Files(), bytes.Equal) {
		t.Fatal("after the countries changed, the index differs from a fresh one")
	}
	x.Sync(docs, japan)
	fresh.Set(docs, japan)
	if !maps.EqualFunc(x.Files(), fresh.Files(), bytes.Equal) {
		t.Fatal("after the countries came back, the index differs from a fresh one")
	}
}

// TestOnceEncodesTheSameFiles: an index made with Once, which frees its
// postings as it encodes them and keeps no records, writes the same
// files as one kept for updates, and refuses an update.
func TestOnceEncodesTheSameFiles(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var docs []*Doc
	for i := range 200 {
		docs = append(docs, randomDoc(r, fmt.Sprintf("countries/japan/tips/p%d", i)))
	}
	countries := []Country{{Slug: "japan", Name: "Japan", Names: []string{"日本", "일본"}}}
	kept, once := New(ShardSizes(64, 8)), New(ShardSizes(64, 8), Once())
	kept.Set(docs, countries)
	once.Sync(docs, countries) // the first Sync of an empty index is a Set
	if !maps.EqualFunc(kept.Files(), once.Files(), bytes.Equal) {
		t.Fatal("an index made with Once wrote other files")
	}
	for i, m := range once.shards {
		if m != nil {
			t.Fatalf("term shard %d keeps its postings after encoding", i)
		}
		if once.recs[i] != nil {
			t.Fatalf("term shard %d keeps its records", i)
		}
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Put on a set index made with Once did not panic")
		}
	}()
	once.Put(docs[:1])
}

// TestAssignRefs: refs are distinct, inside the ref space (64 per page:
// small gaps between a term's refs), resolve collisions in ID order and
// wrap at the space's end, and a new page moves no other page's ref
// unless it takes that ref first.
func TestAssignRefs(t *testing.T) {
	docs := map[string]*Doc{}
	for i := range 5000 {
		docs[fmt.Sprintf("countries/c%d/tips/t%d", i%50, i)] = &Doc{}
	}
	refs := assignRefs(docs)
	space := refSpace(len(docs))
	if space < 64*len(docs) || space >= 128*len(docs) {
		t.Fatalf("ref space %d for %d pages", space, len(docs))
	}
	seen := map[uint32]bool{}
	for id, r := range refs {
		if int(r) >= space || seen[r] {
			t.Fatalf("%s: ref %d repeated or outside %d", id, r, space)
		}
		seen[r] = true
	}
	docs["countries/c1/tips/new"] = &Doc{}
	moved := 0
	for id, r := range assignRefs(docs) {
		if old, ok := refs[id]; ok && old != r {
			moved++
		}
	}
	if moved > 1 {
		t.Fatalf("a new page moved %d refs", moved)
	}
	// Two IDs whose hashes meet at the last ref of a small space: the
	// second in ID order wraps to 0.
	hash := func(id string) uint32 { h := fnv.New32a(); h.Write([]byte(id)); return h.Sum32() }
	mask := uint32(refSpace(2) - 1)
	var pair []string
	for i := 0; len(pair) < 2; i++ {
		if id := fmt.Sprintf("p%07d", i); hash(id)&mask == mask {
			pair = append(pair, id)
		}
	}
	refs = assignRefs(map[string]*Doc{pair[0]: {}, pair[1]: {}})
	if refs[pair[0]] != mask || refs[pair[1]] != 0 {
		t.Fatalf("colliding %q: refs %d and %d, want %d and 0", pair, refs[pair[0]], refs[pair[1]], mask)
	}
}
