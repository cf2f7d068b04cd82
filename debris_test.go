package beforetrip_test

import (
	"testing"

	"github.com/beforetrip/beforetrip"
)

func TestDebris(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"jr-pass.md", false}, {"_index.md", false}, {"한국.md", false}, {"main.css", false},
		{".jr-pass.md.swp", true}, {"x.swx", true}, {"x.md~", true}, {"4913", true},
		{".#x.md", true}, {"#x.md#", true}, {".DS_Store", true}, {"a.tmp", true},
		{"a.md___jb_tmp___", true}, {"a.md___jb_old___", true}, {".git", true},
		{"x.md.part", true}, {"x.crswap", true}, {"x.swo", true}, {"#tip.md", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := beforetrip.Debris(tt.name); got != tt.want {
				t.Errorf("Debris(%q) = %v, want %v", tt.name, got, tt.want)
			}
		})
	}
}
