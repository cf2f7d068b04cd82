package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
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

// tokens signs and checks access JWTs.
type tokens struct {
	secret []byte
	parser *jwt.Parser
	now    func() time.Time
}

func newTokens(secret []byte) *tokens {
	return &tokens{
		secret: append([]byte(nil), secret...),
		now:    time.Now,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{"HS256"}),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithIssuer(tokenIssuer),
			jwt.WithAudience(tokenAudience),
			jwt.WithLeeway(5*time.Second),
		),
	}
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
// and audience and returns its user ID and session ID.
func (t *tokens) parse(raw string) (userID uint64, sessionID string, err error) {
	var c claims
	_, err = t.parser.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return t.secret, nil })
	if err != nil {
		return 0, "", errBadToken
	}
	userID, err = strconv.ParseUint(c.Subject, 10, 64)
	if err != nil || userID == 0 || c.SessionID == "" {
		return 0, "", errBadToken
	}
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
