package beforetrip

import (
	"strings"
	"testing"
)

func TestReaderNesting(t *testing.T) {
	for _, tc := range []struct {
		md   string
		want int
	}{
		{"plain text", 0},
		{"> quote", 1},
		{">>> deep\n> shallow", 3},
		{"> - quoted item", 2},
		{"- * + 1. 2) item", 5},
		{"  >  > spaced", 2},
		{"----------", 0},
		{"1.5 is a number", 0},
		{"-not a list", 0},
		{strings.Repeat(">", 20000), 20000},
		{strings.Repeat("> - ", 5000), 10000},
	} {
		if got := ReaderNesting(tc.md); got != tc.want {
			t.Errorf("ReaderNesting(%.20q) = %d, want %d", tc.md, got, tc.want)
		}
	}
}

func TestReaderHTMLLimit(t *testing.T) {
	if got := ReaderHTMLLimit(1); got != 8+512 {
		t.Errorf("limit for 1 byte = %d", got)
	}
	if got := ReaderHTMLLimit(80000); got != MaxReaderHTML {
		t.Errorf("limit for 80,000 bytes = %d, want %d", got, MaxReaderHTML)
	}
}
