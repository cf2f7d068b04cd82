package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/api"
	"go.yaml.in/yaml/v3"
)

// Config is config.yaml. Packages never see it: cmd maps it to each
// package's own constructor arguments.
type Config struct {
	Title    string `yaml:"title"`
	BaseURL  string `yaml:"base_url"`
	Language string `yaml:"language"`
	// ContentLanguage is the language the content is written in ("":
	// Language); pages of mostly Hangul are Korean whatever it says.
	ContentLanguage string `yaml:"content_language"`
	ContentDir      string `yaml:"content_dir"`
	ThemeDir        string `yaml:"theme_dir"`
	OutDir          string `yaml:"out_dir"`
	DataDir         string `yaml:"data_dir"`
	Markdown        struct {
		UnsafeHTML bool `yaml:"unsafe_html"`
	} `yaml:"markdown"`
	Server struct {
		Addr         string   `yaml:"addr"`
		AllowedHosts []string `yaml:"allowed_hosts"`
	} `yaml:"server"`
	API struct {
		Addr           string   `yaml:"addr"`
		Origin         string   `yaml:"origin"`
		CORSOrigins    []string `yaml:"cors_origins"`
		TrustedProxies []string `yaml:"trusted_proxies"`
		Limits         string   `yaml:"limits"`
		ReadLimit      int      `yaml:"read_limit"`
		IPv6Prefix     int      `yaml:"ipv6_prefix"`
		Cookies        struct {
			Secure   bool   `yaml:"secure"`
			SameSite string `yaml:"same_site"`
			Domain   string `yaml:"domain"`
		} `yaml:"cookies"`
	} `yaml:"api"`
	Comments struct {
		Moderation       string        `yaml:"moderation"`
		HideAfterReports int           `yaml:"hide_after_reports"`
		EditWindow       time.Duration `yaml:"edit_window"`
	} `yaml:"comments"`
	Reviews struct {
		Moderation string `yaml:"moderation"`
	} `yaml:"reviews"`
	Mail struct {
		SMTPURL string `yaml:"smtp_url"`
		From    string `yaml:"from"`
	} `yaml:"mail"`
	Accounts struct {
		RequireVerifiedEmail bool `yaml:"require_verified_email"`
	} `yaml:"accounts"`
	// Store.URL picks the store: "" or bbolt:PATH (one file, the
	// default) or postgres://… (several API instances may share it).
	Store struct {
		URL string `yaml:"url"`
	} `yaml:"store"`
	Rebuild struct {
		Debounce time.Duration `yaml:"debounce"`
		MaxWait  time.Duration `yaml:"max_wait"`
	} `yaml:"rebuild"`
	Metrics struct {
		Addr string `yaml:"addr"`
	} `yaml:"metrics"`
	Log struct {
		Level string `yaml:"level"`
	} `yaml:"log"`

	// JWTSecret comes only from BEFORETRIP_JWT_SECRET, never from the file.
	JWTSecret string `yaml:"-"`
	// Dir is the folder of the config file; relative paths resolve from it.
	Dir string `yaml:"-"`
}

// defaultConfig is used for keys the file leaves out, and when the default
// config.yaml does not exist.
func defaultConfig() Config {
	var c Config
	c.Title = "beforetrip"
	c.BaseURL = "http://127.0.0.1:1313/"
	c.Language = "en"
	c.ContentDir = "content"
	c.ThemeDir = "themes/default"
	c.OutDir = "public"
	c.DataDir = "data"
	c.Server.Addr = "127.0.0.1:1313"
	c.API.Addr = "127.0.0.1:8080"
	c.API.Limits = "on"
	c.API.ReadLimit = 1200
	c.API.IPv6Prefix = 64
	c.API.Cookies.SameSite = "Lax"
	c.Comments.Moderation = "post"
	c.Reviews.Moderation = "post"
	c.Comments.HideAfterReports = 3
	c.Comments.EditWindow = 15 * time.Minute
	c.Rebuild.Debounce = time.Second
	c.Rebuild.MaxWait = 5 * time.Second
	c.Log.Level = "info"
	return c
}

// loadConfig reads path (unknown keys are an error naming the line), applies
// BEFORETRIP_* environment overrides and validates. explicit says whether the
// user named the file: a missing default config.yaml is not an error.
func loadConfig(path string, explicit bool) (*Config, error) {
	c := defaultConfig()
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && err.Error() != "EOF" {
			return nil, fmt.Errorf("config %s: %w", path, err)
		}
	case os.IsNotExist(err) && !explicit:
	default:
		return nil, fmt.Errorf("config: %w", err)
	}
	if err := applyEnv(reflect.ValueOf(&c).Elem(), "BEFORETRIP"); err != nil {
		return nil, err
	}
	c.JWTSecret = os.Getenv("BEFORETRIP_JWT_SECRET")
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c.Dir = filepath.Dir(abs)
	return &c, c.validate()
}

// applyEnv overrides each field whose BEFORETRIP_<PATH> variable is set.
// Lists are comma-separated.
func applyEnv(v reflect.Value, prefix string) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		name := prefix + "_" + strings.ToUpper(tag)
		fv := v.Field(i)
		if f.Type.Kind() == reflect.Struct {
			if err := applyEnv(fv, name); err != nil {
				return err
			}
			continue
		}
		s, ok := os.LookupEnv(name)
		if !ok {
			continue
		}
		if err := setFromString(fv, s); err != nil {
			return fmt.Errorf("config: %s=%q: %w", name, s, err)
		}
	}
	return nil
}

func setFromString(v reflect.Value, s string) error {
	switch v.Interface().(type) {
	case time.Duration:
		d, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		v.SetInt(int64(d))
	case string:
		v.SetString(s)
	case int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return err
		}
		v.SetInt(int64(n))
	case bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return err
		}
		v.SetBool(b)
	case []string:
		var list []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				list = append(list, p)
			}
		}
		v.Set(reflect.ValueOf(list))
	default:
		return fmt.Errorf("unsupported type %s", v.Type())
	}
	return nil
}

func (c *Config) validate() error {
	switch c.Language {
	case "en", "ko":
	default:
		return fmt.Errorf("config: language %q: want en or ko", c.Language)
	}
	if c.ContentLanguage != "" && !beforetrip.ValidLang(c.ContentLanguage) {
		return fmt.Errorf("config: content_language %q: want a language tag like en or ko", c.ContentLanguage)
	}
	switch strings.ToLower(c.API.Limits) {
	case "on", "off", "true", "false":
	default:
		return fmt.Errorf("config: api.limits %q: want on or off", c.API.Limits)
	}
	if c.API.ReadLimit < 1 {
		return fmt.Errorf("config: api.read_limit %d: want at least 1 (GET requests per minute per client)", c.API.ReadLimit)
	}
	if c.API.IPv6Prefix < 1 || c.API.IPv6Prefix > 128 {
		return fmt.Errorf("config: api.ipv6_prefix %d: want 1 to 128 (64 limits each /64 as one client)", c.API.IPv6Prefix)
	}
	// The API's own rules (package api, used by api.New too), reported
	// with this file's keys.
	if err := api.CheckCookie(api.CookieConfig{SameSite: c.API.Cookies.SameSite, Secure: c.API.Cookies.Secure}); err != nil {
		return fmt.Errorf("config: api.cookies.same_site with api.cookies.secure: %t: %w", c.API.Cookies.Secure, err)
	}
	for _, o := range c.API.CORSOrigins {
		if err := api.CheckCORSOrigin(o); err != nil {
			return fmt.Errorf("config: api.cors_origins: %w", err)
		}
	}
	for _, m := range []struct{ key, mode string }{
		{"comments.moderation", c.Comments.Moderation}, {"reviews.moderation", c.Reviews.Moderation},
	} {
		if err := api.CheckModeration(m.mode); err != nil {
			return fmt.Errorf("config: %s: %w", m.key, err)
		}
	}
	if err := api.CheckHideAfterReports(c.Comments.HideAfterReports); err != nil {
		return fmt.Errorf("config: comments.hide_after_reports: %w", err)
	}
	if err := api.CheckEditWindow(c.Comments.EditWindow); err != nil {
		return fmt.Errorf("config: comments.edit_window: %w", err)
	}
	if c.Rebuild.Debounce <= 0 || c.Rebuild.MaxWait < c.Rebuild.Debounce {
		return fmt.Errorf("config: rebuild: need 0 < debounce <= max_wait")
	}
	if _, err := c.LogLevel(); err != nil {
		return err
	}
	if c.Metrics.Addr != "" {
		if _, _, err := net.SplitHostPort(c.Metrics.Addr); err != nil {
			return fmt.Errorf("config: metrics.addr %q: want HOST:PORT (e.g. 127.0.0.1:9090), or empty for no metrics", c.Metrics.Addr)
		}
	}
	return nil
}

// LogLevel is log.level as slog's level.
func (c *Config) LogLevel() (slog.Level, error) {
	switch strings.ToLower(c.Log.Level) {
	case "debug":
		return slog.LevelDebug, nil
	case "info", "":
		return slog.LevelInfo, nil
	case "warn":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("config: log.level %q: want debug, info, warn or error", c.Log.Level)
}

// Logger returns serve's logger at log.level: text, for a person at a
// terminal (api logs JSON through newBufferedLogger).
func (c *Config) Logger(w io.Writer) *slog.Logger {
	level, _ := c.LogLevel() // checked by validate
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// jwtSecret returns BEFORETRIP_JWT_SECRET checked by the API's rule, or
// nil when it is not set (serve then keeps one in the data folder; api
// refuses to start).
func (c *Config) jwtSecret() ([]byte, error) {
	if c.JWTSecret == "" {
		return nil, nil
	}
	if err := api.CheckJWTSecret([]byte(c.JWTSecret)); err != nil {
		return nil, fmt.Errorf("BEFORETRIP_JWT_SECRET: %w (try: export BEFORETRIP_JWT_SECRET=$(openssl rand -hex 32))", err)
	}
	return []byte(c.JWTSecret), nil
}

// LimitsOn reports whether rate limits are enabled.
func (c *Config) LimitsOn() bool {
	l := strings.ToLower(c.API.Limits)
	return l == "on" || l == "true"
}

// Path resolves p relative to the config file's folder.
func (c *Config) Path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// MailFrom is mail.from, or the site title at noreply@ the base URL's host
// when it is empty.
func (c *Config) MailFrom() string {
	if c.Mail.From != "" {
		return c.Mail.From
	}
	host := "localhost"
	if u, err := url.Parse(c.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return (&mail.Address{Name: c.Title, Address: "noreply@" + host}).String()
}
