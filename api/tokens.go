package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/golang-jwt/jwt/v5"
)

// Token lifetimes.
const (
	accessTTL  = 15 * time.Minute
	refreshTTL = 30 * 24 * time.Hour
)

// The issuer and audience of access tokens: a token minted for another
// service with the same secret is refused.
const (
	tokenIssuer   = "beforetrip"
	tokenAudience = "beforetrip-api"
)

// claims are an access token's claims: sub (user ID), sid (session ID),
// role, plus iss, aud, iat, nbf and exp.
type claims struct {
	SessionID string `json:"sid"`
	Role      string `json:"role"`
	jwt.RegisteredClaims
}

// tokenLeeway is the clock skew allowed on exp, nbf and iat.
const tokenLeeway = 5 * time.Second

// maxVerified bounds the cache of verified tokens (about 300 bytes each);
// when it is full it starts over.
const maxVerified = 4096

// tokens signs and checks access JWTs.
type tokens struct {
	secret []byte
	parser *jwt.Parser
	now    func() time.Time
	// verified maps tokens that passed parse to their claims, so a client
	// sending the same token on every request pays the HMAC and the JSON
	// decoding once per token rather than per request (they were about 60 %
	// of authenticate in the likes benchmark). Only the token's own checks
	// are cached: authenticate still reads the user and the session on
	// every request, so logout, blocking and revocation take effect at once.
	verified  sync.Map // raw token → verifiedToken
	nVerified atomic.Int64
}

// verifiedToken is what parse found in a valid token.
type verifiedToken struct {
	userID         uint64
	sessionID      string
	notBefore, exp time.Time
}

func newTokens(secret []byte) *tokens {
	t := &tokens{
		secret: append([]byte(nil), secret...),
		now:    time.Now,
	}
	t.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{"HS256"}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(tokenIssuer),
		jwt.WithAudience(tokenAudience),
		jwt.WithLeeway(tokenLeeway),
		// One spelling per token: a lenient decoder ignores the padding
		// bits of the signature's last character.
		jwt.WithStrictDecoding(),
		// The same clock as issue and the cache (tests step it).
		jwt.WithTimeFunc(func() time.Time { return t.now() }),
	)
	return t
}

// issue returns a signed access token for a session, valid for ttl.
func (t *tokens) issue(u *beforetrip.User, sessionID string, ttl time.Duration) (string, error) {
	now := t.now()
	c := claims{
		SessionID: sessionID,
		Role:      string(u.Role),
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   strconv.FormatUint(u.ID, 10),
			Issuer:    tokenIssuer,
			Audience:  jwt.ClaimStrings{tokenAudience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.secret)
	if err != nil {
		return "", fmt.Errorf("api: sign token: %w", err)
	}
	return s, nil
}

// parse checks a token's signature (HS256 only), expiry, iat, nbf, issuer
// and audience and returns its user ID and session ID. A token that passed
// before is only checked against the clock again: its signature and claims
// cannot have changed. Near expiry (within the leeway) it takes the full
// path, which applies the leeway.
func (t *tokens) parse(raw string) (userID uint64, sessionID string, err error) {
	now := t.now()
	if v, ok := t.verified.Load(raw); ok {
		vt := v.(verifiedToken)
		if now.Before(vt.exp) && !now.Before(vt.notBefore.Add(-tokenLeeway)) {
			return vt.userID, vt.sessionID, nil
		}
	}
	var c claims
	_, err = t.parser.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return t.secret, nil })
	if err != nil {
		return 0, "", errBadToken
	}
	userID, err = strconv.ParseUint(c.Subject, 10, 64)
	if err != nil || userID == 0 || c.SessionID == "" {
		return 0, "", errBadToken
	}
	vt := verifiedToken{userID: userID, sessionID: c.SessionID, exp: c.ExpiresAt.Time}
	if c.NotBefore != nil {
		vt.notBefore = c.NotBefore.Time
	}
	if t.nVerified.Add(1) > maxVerified {
		t.verified.Clear()
		t.nVerified.Store(1)
	}
	t.verified.Store(strings.Clone(raw), vt) // raw may live in a reused request buffer
	return userID, c.SessionID, nil
}

var errBadToken = beforetrip.Errorf(beforetrip.EUNAUTHENTICATED, "Invalid or expired token; log in again.")

// randomToken returns n random bytes, base64url without padding.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashRefresh is what the store keeps of a refresh token: its SHA-256. A
// stolen database therefore holds no usable tokens; the tokens are 256-bit
// random, so a fast hash is enough.
func hashRefresh(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
