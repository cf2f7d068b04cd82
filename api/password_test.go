package api

import (
	"strings"
	"testing"
)

func TestHasher(t *testing.T) {
	h := newHasher(1024, 1, 1)
	enc := h.hash("correct horse battery")
	if !strings.HasPrefix(string(enc), "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("encoding = %s", enc)
	}
	if string(h.hash("correct horse battery")) == string(enc) {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	// A hash made with other parameters still verifies: they are read back.
	other := newHasher(2048, 2, 1)
	tests := []struct {
		name    string
		encoded []byte
		pw      string
		want    bool
	}{
		{"right", enc, "correct horse battery", true},
		{"wrong", enc, "correct horse batterY", false},
		{"other params", other.hash("pw with params"), "pw with params", true},
		{"truncated", enc[:len(enc)-5], "correct horse battery", false},
		{"bcrypt-looking", []byte("$2a$10$abcdefghijklmnopqrstuv"), "x", false},
		{"empty", nil, "", false},
		{"zero memory", []byte("$argon2id$v=19$m=0,t=1,p=1$c2FsdHNhbHQ$aGFzaA"), "x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := h.verify(tt.encoded, tt.pw); got != tt.want {
				t.Fatalf("verify = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCheckPassword(t *testing.T) {
	// zxcvbn's list of leaked passwords (issue 12: the list was written
	// from memory, ~1,500 entries).
	if len(commonPasswords) < 25000 {
		t.Fatalf("common password list has %d entries, want zxcvbn's ~30,000", len(commonPasswords))
	}
	tests := []struct {
		pw   string
		ok   bool
		name string
	}{
		{"correct horse battery", true, "passphrase"},
		{"비밀번호는길어요", true, "8 Korean characters"},
		{"short7!", false, "7 characters"},
		{"password1", false, "common"},
		{"QWERTYUIOP", false, "common, any case"},
		{"iloveyou123", false, "common"},
		{"walker1234", true, "not in the list"},
		{"Abracadabra", false, "in zxcvbn's list, not in the old one"},
		{"bobby-the-user", false, "equals the username"},
		{strings.Repeat("x", maxPasswordLen+1), false, "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkPassword(tt.pw, "bobby-the-user", "bob@example.com")
			if (err == nil) != tt.ok {
				t.Fatalf("checkPassword(%.20q) = %v, want ok=%v", tt.pw, err, tt.ok)
			}
		})
	}
}
