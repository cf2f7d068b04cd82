package store

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"

	"github.com/beforetrip/beforetrip"
)

// Key encodings. IDs are big-endian uint64 so byte order is numeric order;
// composite keys join their parts with a 0x00 byte, which no page ID,
// section, country, username or email can contain (ValidPageID refuses
// control characters), so a prefix "a\x00" never matches page "a\x00b"'s
// neighbours by accident.

const sep = 0x00

// u64 encodes an ID or count as 8 big-endian bytes.
func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

// join concatenates parts with the 0x00 separator between them.
func join(parts ...[]byte) []byte {
	n := len(parts) - 1
	for _, p := range parts {
		n += len(p)
	}
	out := make([]byte, 0, n)
	for i, p := range parts {
		if i > 0 {
			out = append(out, sep)
		}
		out = append(out, p...)
	}
	return out
}

// prefix returns parts joined and terminated by the separator: the prefix
// of every composite key that starts with those parts.
func prefix(parts ...[]byte) []byte {
	return append(join(parts...), sep)
}

// pageUserKey is the likes_by_page key: page 0x00 userID.
func pageUserKey(page string, user uint64) []byte {
	return join([]byte(page), u64(user))
}

// userPageKey is the likes_by_user key: userID 0x00 page.
func userPageKey(user uint64, page string) []byte {
	return join(u64(user), []byte(page))
}

// pageIDKey is the key of a row owned by a page and numbered by an ID
// (comments): page 0x00 id. Rows of one page sort by ID, i.e. by age.
func pageIDKey(page string, id uint64) []byte {
	return join([]byte(page), u64(id))
}

// encodeCursor makes an opaque paging cursor from the last ID returned.
func encodeCursor(id uint64) string {
	return base64.RawURLEncoding.EncodeToString(u64(id))
}

// decodeCursor parses a cursor; "" means "from the start".
func decodeCursor(s string) (uint64, error) {
	if s == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != 8 || binary.BigEndian.Uint64(b) == 0 {
		return 0, beforetrip.Invalid("cursor", "malformed cursor")
	}
	return binary.BigEndian.Uint64(b), nil
}

// clone copies a value read from bbolt: such slices die with the
// transaction.
func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return bytes.Clone(b)
}
