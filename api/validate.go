package api

import (
	"net/mail"
	"strings"

	"github.com/beforetrip/beforetrip"
)

// normalizeUsername lower-cases name and checks it: 3–32 of [a-z0-9_-].
func normalizeUsername(name string) (string, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	if len(name) < 3 || len(name) > 32 {
		return "", beforetrip.Invalid("username", "Username must be 3 to 32 characters.")
	}
	for i := 0; i < len(name); i++ {
		ch := name[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '_' || ch == '-') {
			return "", beforetrip.Invalid("username", "Username may contain only a–z, 0–9, _ and -.")
		}
	}
	return name, nil
}

// normalizeEmail checks an address the way registration needs: a bare
// addr-spec (no display name, no comments), a dotted domain, at most 254
// bytes. Deliverability is not checked: there is no mail step.
func normalizeEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	bad := beforetrip.Invalid("email", "Enter a valid email address.")
	if email == "" || len(email) > 254 || strings.ContainsAny(email, " \t\r\n<>\"(),;") {
		return "", bad
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || addr.Name != "" {
		return "", bad
	}
	at := strings.LastIndexByte(email, '@')
	local, domain := email[:at], email[at+1:]
	if local == "" || len(local) > 64 || !strings.Contains(domain, ".") ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return "", bad
	}
	return local + "@" + strings.ToLower(domain), nil
}

// ownUser is a user as its owner sees it: with the email, never the hash
// (others only ever see an Author).
func ownUser(u *beforetrip.User) beforetrip.User {
	return beforetrip.User{ID: u.ID, Username: u.Username, Email: u.Email, Role: u.Role,
		Blocked: u.Blocked, CreatedAt: u.CreatedAt}
}

func author(u *beforetrip.User) beforetrip.Author {
	return beforetrip.Author{ID: u.ID, Username: u.Username}
}
