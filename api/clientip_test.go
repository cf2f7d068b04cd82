package api

import (
	"net/netip"
	"testing"
)

func TestTrustedProxies(t *testing.T) {
	s := &Server{}
	for _, p := range []string{"10.0.0.0/8", "192.168.1.7", "fd00::/8", " 172.16.0.1 "} {
		pfx, err := parsePrefix(p)
		if err != nil {
			t.Fatalf("parsePrefix(%q): %v", p, err)
		}
		s.trusted = append(s.trusted, pfx)
	}
	tests := []struct {
		ip      string
		trusted bool
	}{
		{"10.1.2.3", true},
		{"::ffff:10.1.2.3", true}, // IPv4-mapped, as dual-stack sockets report it
		{"192.168.1.7", true},
		{"192.168.1.8", false},
		{"fd12::1", true},
		{"2001:db8::1", false},
		{"172.16.0.1", true},
	}
	for _, tt := range tests {
		t.Run(tt.ip, func(t *testing.T) {
			if got := s.isTrusted(netip.MustParseAddr(tt.ip)); got != tt.trusted {
				t.Fatalf("isTrusted = %v, want %v", got, tt.trusted)
			}
		})
	}
	for _, bad := range []string{"nginx", "10.0.0.0/33", ""} {
		if _, err := parsePrefix(bad); err == nil {
			t.Errorf("parsePrefix(%q) accepted", bad)
		}
	}
}
