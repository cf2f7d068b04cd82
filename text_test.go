package beforetrip_test

import (
	"testing"

	"github.com/beforetrip/beforetrip"
)

func TestCleanTitle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  Kyoto in spring ", "Kyoto in spring"},
		{"Kyoto \u202egpj.exe", "Kyoto gpj.exe"},
		{"\u202aKy\u200boto\u200e\u200f\u2066\u2067\u2068\u2069\u2060\ufeff\u00ad\u061c\u180e", "Kyoto"},
		{"A\u200dB", "AB"}, {"\u200dAB", "AB"}, {"AB\u200c", "AB"},
		{"\U0001F468\u200d\U0001F469\u200d\U0001F467", "\U0001F468\u200d\U0001F469\u200d\U0001F467"},
		{"می\u200cخواهم", "می\u200cخواهم"},
		{"가\u200d\u200d나", "가나"}, // two joiners in a row: neither joins anything
		{"\u202e \u200b", ""},
		{"서울 여행", "서울 여행"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := beforetrip.CleanTitle(tt.in); got != tt.want {
				t.Errorf("CleanTitle(%+q) = %+q, want %+q", tt.in, got, tt.want)
			}
			if r, dirty := beforetrip.HiddenIn(beforetrip.CleanTitle(tt.in)); dirty {
				t.Errorf("CleanTitle(%+q) keeps %U", tt.in, r)
			}
		})
	}
}

func TestHiddenIn(t *testing.T) {
	tests := []struct {
		in   string
		want rune
		ok   bool
	}{
		{"Kyoto", 0, false}, {"Kyoto \u202egpj", '\u202e', true}, {"Ky\u200boto", '\u200b', true},
		{"A\u200dB", '\u200d', true}, {"가\u200c나", 0, false}, {"\ufeffBOM", '\ufeff', true},
	}
	for _, tt := range tests {
		if r, ok := beforetrip.HiddenIn(tt.in); r != tt.want || ok != tt.ok {
			t.Errorf("HiddenIn(%+q) = %U, %v; want %U, %v", tt.in, r, ok, tt.want, tt.ok)
		}
	}
}

func TestNormalizeSlug(t *testing.T) {
	nfd := "\u1100\u116d\u1110\u1169\u11bc" // 교통, decomposed (as macOS names files)
	if got := beforetrip.NormalizeSlug(nfd); got != "교통" {
		t.Errorf("NormalizeSlug(NFD 교통) = %+q, want %+q", got, "교통")
	}
	if got := beforetrip.NormalizeSlug("교통"); got != "교통" {
		t.Errorf("NormalizeSlug(NFC) changed it: %+q", got)
	}
	if got := beforetrip.NormalizeSlug("cafe\u0301"); got != "café" || !beforetrip.ValidSlug(got) {
		t.Errorf("NormalizeSlug(cafe + combining acute) = %+q", got)
	}
}

func TestNormalizePageID(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"home", "", ""},
		{"ascii", "countries/japan/tips/transport", "countries/japan/tips/transport"},
		{"composed Korean", "countries/한국/tips/교통", "countries/한국/tips/교통"},
		{"decomposed Korean", "countries/\u1112\u1161\u11ab\u1100\u116e\u11a8/tips/\u1100\u116d\u1110\u1169\u11bc", "countries/한국/tips/교통"},
		{"combining accent", "countries/france/tips/cafe\u0301", "countries/france/tips/café"},
		{"country slug", "\u1112\u1161\u11ab\u1100\u116e\u11a8", "한국"},
		{"malformed stays malformed", "countries/../x", "countries/../x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := beforetrip.NormalizePageID(tc.in)
			if got != tc.want {
				t.Errorf("NormalizePageID(%+q) = %+q, want %+q", tc.in, got, tc.want)
			}
			if beforetrip.ValidPageID(got) != beforetrip.ValidPageID(tc.want) {
				t.Errorf("ValidPageID(%+q) differs from ValidPageID(%+q)", got, tc.want)
			}
		})
	}
}

// TestNULRefused: text from readers with a NUL character is refused by
// every rule that checks it (PostgreSQL cannot store it; it means nothing).
func TestNULRefused(t *testing.T) {
	nul := "a\x00b"
	if err := beforetrip.CheckCommentBody(nul); beforetrip.ErrorCode(err) != beforetrip.EINVALID {
		t.Errorf("comment body: %v", err)
	}
	for _, e := range []beforetrip.ReviewEdit{{Title: &nul}, {Body: &nul}} {
		if err := e.Validate(); beforetrip.ErrorCode(err) != beforetrip.EINVALID {
			t.Errorf("review edit %+v: %v", e, err)
		}
	}
	if err := (&beforetrip.Report{Reason: beforetrip.ReasonSpam, Text: nul}).Validate(); beforetrip.ErrorCode(err) != beforetrip.EINVALID {
		t.Errorf("report text: %v", err)
	}
	if _, err := beforetrip.ValidReason(nul); beforetrip.ErrorCode(err) != beforetrip.EINVALID {
		t.Errorf("reason: %v", err)
	}
}
