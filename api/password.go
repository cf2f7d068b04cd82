package api

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/beforetrip/beforetrip"
	"github.com/trustelem/zxcvbn/frequency"
	"golang.org/x/crypto/argon2"
)

// Password rules.
const (
	minPasswordLen = 8    // characters
	maxPasswordLen = 1024 // bytes: bounds the work an attacker can make us hash
)

// hasher hashes passwords with argon2id and stores them in the PHC string
// format ($argon2id$v=19$m=…,t=…,p=…$salt$hash), so parameters can change
// later without invalidating stored hashes.
type hasher struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
	// dummy returns a hash of a random password, verified when the login
	// names no user so that unknown users take as long as wrong passwords.
	// It is made on first use: start-up need not pay for it.
	dummy func() []byte
	// slots bounds concurrent hashing: each one holds `memory` KiB, so a
	// burst of logins must queue rather than exhaust RAM (100 parallel
	// requests would otherwise need 6.4 GiB).
	slots chan struct{}
}

// defaultHasher uses 64 MiB, 1 pass, 2 lanes: RFC 9106's second
// recommended option scaled to a small server.
func defaultHasher() *hasher { return newHasher(64*1024, 1, 2) }

func newHasher(memoryKiB, passes uint32, threads uint8) *hasher {
	h := &hasher{memory: memoryKiB, time: passes, threads: threads,
		slots: make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))}
	h.dummy = sync.OnceValue(func() []byte { return h.hash(randomToken(16)) })
	return h
}

// idKey runs argon2id in one of the hashing slots.
func (h *hasher) idKey(password string, salt []byte, passes, memory uint32, threads uint8, n uint32) []byte {
	h.slots <- struct{}{}
	defer func() { <-h.slots }()
	return argon2.IDKey([]byte(password), salt, passes, memory, threads, n)
}

func (h *hasher) hash(password string) []byte {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := h.idKey(password, salt, h.time, h.memory, h.threads, 32)
	return fmt.Appendf(nil, "$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.memory, h.time, h.threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// verify reports whether password matches encoded, with the parameters
// recorded in encoded. A malformed hash never matches.
func (h *hasher) verify(encoded []byte, password string) bool {
	parts := strings.Split(string(encoded), "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := h.idKey(password, salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// commonPasswords are the ~30,000 most common leaked passwords that
// zxcvbn (Dropbox's estimator; its Go port, pinned in go.mod) ships,
// lower-cased: a sourced, maintained list instead of one written by hand.
var commonPasswords = func() map[string]struct{} {
	list := frequency.FrequencyLists["passwords"]
	set := make(map[string]struct{}, len(list))
	for _, w := range list {
		set[strings.ToLower(w)] = struct{}{}
	}
	return set
}()

// checkPassword enforces the password rules on a new password.
func checkPassword(password, username, email string) error {
	switch {
	case utf8.RuneCountInString(password) < minPasswordLen:
		return beforetrip.Invalid("password", "Password must be at least %d characters.", minPasswordLen)
	case len(password) > maxPasswordLen:
		return beforetrip.Invalid("password", "Password must be at most %d bytes.", maxPasswordLen)
	case !utf8.ValidString(password):
		return beforetrip.Invalid("password", "Password must be valid UTF-8.")
	}
	lower := strings.ToLower(password)
	if _, common := commonPasswords[lower]; common {
		return beforetrip.Invalid("password", "This password is among the most common ones; choose another.")
	}
	if lower == username || lower == strings.ToLower(email) {
		return beforetrip.Invalid("password", "Password must not be your username or email.")
	}
	return nil
}
