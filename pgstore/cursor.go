package pgstore

import (
	"encoding/base64"
	"encoding/binary"
	"math"

	"github.com/beforetrip/beforetrip"
)

// encodeCursor makes the opaque cursor of a list that goes on after id
// (the same form as package store's, so clients see one kind).
func encodeCursor(id uint64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], id)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// decodeCursor parses a cursor; "" means "from the start" (0).
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

// below is the exclusive upper bound of a newest-first list: before, or
// past every ID when the list starts.
func below(before uint64) int64 {
	if before == 0 || before > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(before)
}

// above is the exclusive lower bound of an oldest-first list.
func above(after uint64) int64 {
	if after > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(after)
}
