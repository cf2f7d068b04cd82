package build

import (
	"bytes"
	"slices"
)

// keptJSON is the JSON encoding of a collection sorted by key, kept one
// piece per member, so that an edit encodes again only the members it
// touched and joins the rest as they are. At 10k pages the page manifest
// (~2 MB) and the writer's record file (14k records, 1.7 MB) were each
// re-encoded whole by every one-file rebuild that touched them; both now
// keep their pieces in one of these. A keptJSON is never changed in place
// (patch returns a new one): the manifest's previous site still reads
// its pieces when a rebuild fails.
type keptJSON[V any] struct {
	keys []string // sorted, unique
	vals []V      // the value of keys[i]
	encs [][]byte // the piece of keys[i], as enc returned it
}

// keptEncoder encodes one member: for a JSON object the piece is
// `"key":value`, for an array the value alone.
type keptEncoder[V any] func(key string, v V) ([]byte, error)

// newKeptJSON encodes every member of keys (sorted, unique) with values vals.
func newKeptJSON[V any](keys []string, vals []V, enc keptEncoder[V]) (keptJSON[V], error) {
	k := keptJSON[V]{keys: keys, vals: vals, encs: make([][]byte, len(keys))}
	for i, key := range keys {
		e, err := enc(key, vals[i])
		if err != nil {
			return keptJSON[V]{}, err
		}
		k.encs[i] = e
	}
	return k, nil
}

// patch returns k with each key of dirty (sorted, unique) set to the
// value get returns for it, encoded again, or dropped when get reports
// none; the other members keep their pieces. k itself is unchanged.
func (k keptJSON[V]) patch(dirty []string, get func(string) (V, bool), enc keptEncoder[V]) (keptJSON[V], error) {
	n := len(k.keys) + len(dirty)
	out := keptJSON[V]{keys: make([]string, 0, n), vals: make([]V, 0, n), encs: make([][]byte, 0, n)}
	i := 0
	for _, d := range dirty {
		j, found := slices.BinarySearch(k.keys[i:], d)
		out.keys = append(out.keys, k.keys[i:i+j]...)
		out.vals = append(out.vals, k.vals[i:i+j]...)
		out.encs = append(out.encs, k.encs[i:i+j]...)
		i += j
		if found {
			i++ // replaced below, or dropped
		}
		v, ok := get(d)
		if !ok {
			continue
		}
		e, err := enc(d, v)
		if err != nil {
			return keptJSON[V]{}, err
		}
		out.keys, out.vals, out.encs = append(out.keys, d), append(out.vals, v), append(out.encs, e)
	}
	out.keys = append(out.keys, k.keys[i:]...)
	out.vals = append(out.vals, k.vals[i:]...)
	out.encs = append(out.encs, k.encs[i:]...)
	return out, nil
}

// size is the length of the joined encoding, brackets included.
func (k keptJSON[V]) size() int {
	n := 2 + max(len(k.encs)-1, 0)
	for _, e := range k.encs {
		n += len(e)
	}
	return n
}

// appendTo appends the pieces joined by commas between open and close
// ('{' and '}' for an object, '[' and ']' for an array), as json.Marshal
// writes the whole.
func (k keptJSON[V]) appendTo(b []byte, open, close byte) []byte {
	b = slices.Grow(b, k.size())
	b = append(b, open)
	for i, e := range k.encs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, e...)
	}
	return append(b, close)
}

// same reports whether k and o join to the same bytes, comparing only the
// pieces they do not share.
func (k keptJSON[V]) same(o keptJSON[V]) bool {
	if len(k.encs) != len(o.encs) {
		return false
	}
	for i, e := range k.encs {
		f := o.encs[i]
		if len(e) != len(f) || (len(e) > 0 && &e[0] != &f[0] && !bytes.Equal(e, f)) {
			return false
		}
	}
	return true
}

// joins reports whether k joined between open and close (see appendTo)
// is b, without joining it.
func (k keptJSON[V]) joins(b []byte, open, close byte) bool {
	if len(b) != k.size() || b[0] != open || b[len(b)-1] != close {
		return false
	}
	b = b[1:]
	for i, e := range k.encs {
		if i > 0 {
			if b[0] != ',' {
				return false
			}
			b = b[1:]
		}
		if !bytes.HasPrefix(b, e) {
			return false
		}
		b = b[len(e):]
	}
	return true
}

// sortedUnique sorts keys and drops repeats, in place.
func sortedUnique(keys []string) []string {
	slices.Sort(keys)
	return slices.Compact(keys)
}
