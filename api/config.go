package api

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/beforetrip/beforetrip"
)

// The rules of Config's values live here, once: New checks a Config with
// them, and the command line checks config.yaml and the environment with
// the same functions, naming its own keys.

// MinJWTSecretLen is the shortest JWT secret accepted, in bytes.
const MinJWTSecretLen = 32

// CheckJWTSecret is the rule for JWT secrets, wherever they come from.
func CheckJWTSecret(secret []byte) error {
	if len(secret) < MinJWTSecretLen {
		return fmt.Errorf("JWT secret is %d bytes; need at least %d random bytes "+
			"(a shorter HMAC key can be brute-forced, and anyone holding it can mint any user's token)",
			len(secret), MinJWTSecretLen)
	}
	return nil
}

// CheckCookie checks the cookies' SameSite against Secure.
func CheckCookie(c CookieConfig) error {
	switch c.SameSite {
	case "Lax", "Strict":
	case "None":
		if !c.Secure {
			return errors.New("SameSite=None needs Secure: browsers drop SameSite=None cookies that are " +
				"not Secure, so every login would silently fail (serve the API over HTTPS and set secure)")
		}
	default:
		return fmt.Errorf("SameSite %q: want Lax, Strict or None", c.SameSite)
	}
	return nil
}

// CheckModeration checks a moderation mode.
func CheckModeration(mode string) error {
	switch mode {
	case "post", "pre":
		return nil
	}
	return fmt.Errorf("moderation %q: want post or pre", mode)
}

// CheckHideAfterReports checks how many reports hide a comment.
func CheckHideAfterReports(n int) error {
	if n < 1 {
		return fmt.Errorf("hide after %d reports: want at least 1", n)
	}
	return nil
}

// CheckEditWindow checks how long authors may edit.
func CheckEditWindow(d time.Duration) error {
	if d <= 0 {
		return fmt.Errorf("edit window %s: want a positive duration like 15m", d)
	}
	return nil
}

// CheckCORSOrigin checks one allowed origin.
func CheckCORSOrigin(o string) error {
	o = strings.TrimRight(strings.TrimSpace(o), "/")
	if o == "*" || !strings.Contains(o, "://") {
		return fmt.Errorf("CORS origin %q: want a full origin like https://example.com "+
			"(\"*\" cannot be combined with credentials)", o)
	}
	return nil
}

// check fills in the defaults of unset (zero) values and applies the
// rules above.
func (cfg *Config) check() error {
	if cfg.ReadLimit < 0 || cfg.IPv6Prefix < 0 || cfg.IPv6Prefix > 128 {
		return fmt.Errorf("read limit %d or IPv6 prefix /%d out of range", cfg.ReadLimit, cfg.IPv6Prefix)
	}
	cfg.defaults()
	checks := []error{CheckJWTSecret(cfg.JWTSecret), CheckCookie(cfg.Cookie),
		CheckModeration(cfg.Moderation), CheckModeration(cfg.ReviewModeration),
		CheckHideAfterReports(cfg.HideAfterReports), CheckEditWindow(cfg.EditWindow)}
	for _, o := range cfg.CORSOrigins {
		checks = append(checks, CheckCORSOrigin(o))
	}
	for _, p := range cfg.TrustedProxies {
		if _, err := parsePrefix(p); err != nil {
			checks = append(checks, fmt.Errorf("trusted proxy %q: %w", p, err))
		}
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	base, err := url.Parse(cfg.BaseURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return fmt.Errorf("base URL %q: want an absolute http(s) URL (mailed links start with it)", cfg.BaseURL)
	}
	return nil
}

// defaults fills in the values left unset.
func (cfg *Config) defaults() {
	if cfg.Cookie.SameSite == "" {
		cfg.Cookie.SameSite = "Lax"
	}
	for _, m := range []*string{&cfg.Moderation, &cfg.ReviewModeration} {
		if *m == "" {
			*m = "post"
		}
	}
	if cfg.HideAfterReports == 0 {
		cfg.HideAfterReports = beforetrip.DefaultHideAfter
	}
	if cfg.EditWindow == 0 {
		cfg.EditWindow = DefaultEditWindow
	}
	if !strings.HasSuffix(cfg.BaseURL, "/") {
		cfg.BaseURL += "/"
	}
	if cfg.ReplyBatch <= 0 {
		cfg.ReplyBatch = time.Minute
	}
	if cfg.ReadLimit == 0 {
		cfg.ReadLimit = DefaultReadLimit
	}
	if cfg.IPv6Prefix == 0 {
		cfg.IPv6Prefix = DefaultIPv6Prefix
	}
}
