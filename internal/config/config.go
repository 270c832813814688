// Package config reads campaignwatch's configuration from the environment.
//
// Every setting has a documented default so that a new machine needs no
// configuration at all: without DATABASE_URL the service runs a private
// PostgreSQL cluster under VAR_DIR, and without SMTP_URL mail is written to a
// file outbox there. An invalid value stops start-up with an error that names
// the variable, because a service that half-understands its settings is worse
// than one that refuses to start.
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the whole runtime configuration. Fields are documented with the
// environment variable that sets them and its default.
type Config struct {
	// DatabaseURL (DATABASE_URL) is the PostgreSQL connection URL. The special
	// value "" means development mode: a private cluster under VarDir/pg.
	DatabaseURL string

	// SMTPURL (SMTP_URL) is the SMTP server, e.g.
	// smtp://user:pass@host:587?tls=starttls. The special value "" writes
	// every message to the file outbox under VarDir/outbox instead.
	SMTPURL string

	// HTTPAddr (HTTP_ADDR) is the listen address. Default 127.0.0.1:8080.
	HTTPAddr string

	// BaseURL (BASE_URL) is the public URL of the service, used in links in
	// emails and to decide whether cookies are marked Secure. Default
	// http:// followed by HTTPAddr.
	BaseURL *url.URL

	// SessionSecret (SESSION_SECRET) keys CSRF tokens and other MACs. At least
	// 32 characters. In development mode an unset secret is generated once
	// and kept in VarDir/session_secret so sessions survive restarts.
	SessionSecret []byte

	// MailFrom (MAIL_FROM) is the From address of every message the service
	// sends. Default "Campaignwatch <campaignwatch@localhost>".
	MailFrom string

	// LogLevel (LOG_LEVEL) is debug, info, warn or error. Default info.
	LogLevel slog.Level

	// LogFormat (LOG_FORMAT) is text or json. Default text.
	LogFormat string

	// VarDir (VAR_DIR) holds runtime state in development mode: the private
	// database cluster, the outbox and the generated session secret.
	// Default ./var.
	VarDir string

	// ShutdownTimeout (SHUTDOWN_TIMEOUT) is how long running jobs and
	// requests may take to finish after SIGINT/SIGTERM before they are
	// cancelled. Default 30s.
	ShutdownTimeout time.Duration

	// JobTimeout (JOB_TIMEOUT) is the default time limit of one job attempt.
	// Default 1m.
	JobTimeout time.Duration

	// JobRescueAfter (JOB_RESCUE_AFTER) is how long a job may stay
	// "running" before River treats its worker as dead (killed, crashed)
	// and retries it elsewhere. At least JOB_TIMEOUT and longer than any
	// job's own time limit (a letter's is 2m). Default 5m.
	JobRescueAfter time.Duration

	// Workers holds the maximum number of concurrent workers per queue,
	// set by WORKERS_DEFAULT (default 10), WORKERS_MAIL (default 4) and
	// WORKERS_REPORTS (default 2).
	Workers map[string]int

	// ComplaintRate (COMPLAINT_RATE) is how many complaints one IP address
	// may send per minute through the form and API, and ComplaintBurst
	// (COMPLAINT_BURST) how many it may send at once. Defaults 10 and 5.
	ComplaintRate  int
	ComplaintBurst int

	// TrustedProxies (TRUSTED_PROXIES) are the reverse proxies, as
	// comma-separated CIDRs or addresses, whose X-Forwarded-For is believed
	// when working out who a client is (rate limits, sign-in throttling,
	// idempotency keys). Default none: the socket's peer is the client, and
	// an X-Forwarded-For header is ignored, since anybody can send one.
	TrustedProxies []netip.Prefix

	// RetentionDays (RETENTION_DAYS) is how long complainants' details and
	// evidence are kept after a complaint is closed or received. Default 730.
	RetentionDays int

	// Evidence waiting in unsent public form drafts is limited per draft
	// (EVIDENCE_DRAFT_MB, default 50: five files of 10 MB), per client
	// network address (EVIDENCE_CLIENT_MB, default 150) and for all drafts
	// together (EVIDENCE_TOTAL_MB, default 2048), because anyone can start
	// a draft and its files are kept for 24 hours. A client's files count
	// against it for 24 hours after they are sent too, and an IPv6 client's
	// also count for its /48 (EVIDENCE_NET48_MB, default 600), since one
	// allocation holds thousands of /64s. The evidence sent with public
	// complaints in one UTC day is capped by EVIDENCE_DAILY_MB (default
	// 10240); past it uploads are answered 503 until the next day. Evidence
	// sent inline with anonymous API complaints counts against the same
	// client, /48 and daily limits. Held in bytes.
	EvidenceDraftBytes  int64
	EvidenceClientBytes int64
	EvidenceNet48Bytes  int64
	EvidenceTotalBytes  int64
	EvidenceDailyBytes  int64

	// UploadInflightBytes (UPLOAD_INFLIGHT_MB, default 200) caps the bytes
	// of evidence uploads being received at once; an upload that would
	// pass it is answered 503 with Retry-After. Held in bytes.
	UploadInflightBytes int64

	// ImportInflightBytes (IMPORT_INFLIGHT_MB, default 100) caps the bytes
	// of staff import uploads (complaints and parties, page and API) being
	// received at once; an import that would pass it is answered 503 with
	// Retry-After. Held in bytes.
	ImportInflightBytes int64

	// MetricsAddr (METRICS_ADDR) is a separate listen address for /metrics,
	// e.g. 127.0.0.1:9090 or an address only the monitoring network reaches.
	// When set, /metrics is served there and not on HTTP_ADDR. Default
	// unset.
	MetricsAddr string

	// MetricsToken (METRICS_TOKEN) is a bearer token /metrics requires (on
	// either listener), at least 32 characters. Without METRICS_ADDR and
	// METRICS_TOKEN, /metrics on HTTP_ADDR answers 404 in production mode
	// and is open only in development mode. Default unset.
	MetricsToken string

	// DBStatementTimeout (DB_STATEMENT_TIMEOUT) is PostgreSQL's
	// statement_timeout on every pooled connection: a statement running
	// longer is ended by the server, and a request answers 503. Migrations
	// and exports lift it for their own work. Default 10s.
	DBStatementTimeout time.Duration

	// RequestTimeout (REQUEST_TIMEOUT) is the deadline of one HTTP
	// request's work, database calls included (waiting for a free pooled
	// connection too), so a hung database yields a 503 rather than a
	// request held for as long as the client waits. Requests with a large
	// body get the 60s allowed to read it on top. At least
	// DB_STATEMENT_TIMEOUT. Default 30s.
	RequestTimeout time.Duration

	// DBLockTimeout (DB_LOCK_TIMEOUT) is PostgreSQL's lock_timeout on
	// pooled connections: how long a statement waits for a row or table
	// lock. Default 5s.
	DBLockTimeout time.Duration

	// ReadyCache (READY_CACHE) is how long one /readyz answer is reused by
	// this process: probes arriving together share one check, so a flood
	// of probes makes at most one database write per period. A failure
	// shows at the latest this long after it begins (plus the check's own
	// 3s deadline). Default 2s.
	ReadyCache time.Duration

	// DBIdleInTxTimeout (DB_IDLE_IN_TX_TIMEOUT) is PostgreSQL's
	// idle_in_transaction_session_timeout: a transaction left open and idle
	// this long is ended by the server, releasing its locks. Some jobs hold
	// a row lock while they talk to the mail server, so it is at least
	// JOB_TIMEOUT. Default 5m.
	DBIdleInTxTimeout time.Duration
}

// DevMode reports whether the service runs without an external database,
// which is what enables the conveniences meant only for a developer's machine.
func (c *Config) DevMode() bool { return c.DatabaseURL == "" }

// MetricsOnPublicListener reports whether HTTP_ADDR serves /metrics: not
// when it has a listener of its own, and in production mode only behind
// METRICS_TOKEN, so the service's figures are never open to the internet.
func (c *Config) MetricsOnPublicListener() bool {
	return c.MetricsAddr == "" && (c.MetricsToken != "" || c.DevMode())
}

// SecureCookies reports whether cookies must carry the Secure attribute.
func (c *Config) SecureCookies() bool { return c.BaseURL.Scheme == "https" }

// OutboxDir is where the file outbox keeps messages when SMTP_URL is unset.
func (c *Config) OutboxDir() string { return filepath.Join(c.VarDir, "outbox") }

// Error is a configuration error; its message always names the variable.
type Error struct {
	Var    string
	Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("invalid %s: %s", e.Var, e.Reason) }

// Load reads the configuration from getenv (os.Getenv in production; tests
// pass a map lookup). It returns the first invalid setting as an *Error.
func Load(getenv func(string) string) (*Config, error) {
	c := &Config{
		DatabaseURL: strings.TrimSpace(getenv("DATABASE_URL")),
		SMTPURL:     strings.TrimSpace(getenv("SMTP_URL")),
		HTTPAddr:    orDefault(getenv("HTTP_ADDR"), "127.0.0.1:8080"),
		MailFrom:    orDefault(getenv("MAIL_FROM"), "Campaignwatch <campaignwatch@localhost>"),
		LogFormat:   orDefault(getenv("LOG_FORMAT"), "text"),
		VarDir:      orDefault(getenv("VAR_DIR"), "var"),
	}

	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return nil, &Error{"DATABASE_URL", "want a postgres:// or postgresql:// URL"}
		}
	}
	if c.SMTPURL != "" {
		u, err := url.Parse(c.SMTPURL)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			return nil, &Error{"SMTP_URL", "want smtp://[user:pass@]host[:port][?tls=starttls|tls|none] or smtps://..."}
		}
	}
	if _, port, err := net.SplitHostPort(c.HTTPAddr); err != nil || port == "" {
		return nil, &Error{"HTTP_ADDR", fmt.Sprintf("%q is not host:port", c.HTTPAddr)}
	}

	base := strings.TrimRight(strings.TrimSpace(getenv("BASE_URL")), "/")
	if base == "" {
		host := c.HTTPAddr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		base = "http://" + host
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &Error{"BASE_URL", fmt.Sprintf("%q is not an absolute http(s) URL", base)}
	}
	c.BaseURL = u

	if _, err := mail.ParseAddress(c.MailFrom); err != nil {
		return nil, &Error{"MAIL_FROM", fmt.Sprintf("%q is not an email address", c.MailFrom)}
	}

	switch strings.ToLower(orDefault(getenv("LOG_LEVEL"), "info")) {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "info":
		c.LogLevel = slog.LevelInfo
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		return nil, &Error{"LOG_LEVEL", "want debug, info, warn or error"}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return nil, &Error{"LOG_FORMAT", "want text or json"}
	}

	if c.ShutdownTimeout, err = duration(getenv, "SHUTDOWN_TIMEOUT", 30*time.Second); err != nil {
		return nil, err
	}
	if c.JobTimeout, err = duration(getenv, "JOB_TIMEOUT", time.Minute); err != nil {
		return nil, err
	}
	if c.JobRescueAfter, err = duration(getenv, "JOB_RESCUE_AFTER", 5*time.Minute); err != nil {
		return nil, err
	}
	if c.JobRescueAfter < c.JobTimeout {
		return nil, &Error{Var: "JOB_RESCUE_AFTER", Reason: "must be at least JOB_TIMEOUT"}
	}
	c.Workers = map[string]int{}
	for queue, def := range map[string]int{"default": 10, "mail": 4, "reports": 2} {
		name := "WORKERS_" + strings.ToUpper(queue)
		n, err := positiveInt(getenv, name, def)
		if err != nil {
			return nil, err
		}
		c.Workers[queue] = n
	}

	if c.ComplaintRate, err = positiveInt(getenv, "COMPLAINT_RATE", 10); err != nil {
		return nil, err
	}
	if c.ComplaintBurst, err = positiveInt(getenv, "COMPLAINT_BURST", 5); err != nil {
		return nil, err
	}
	if c.RetentionDays, err = positiveInt(getenv, "RETENTION_DAYS", 730); err != nil {
		return nil, err
	}
	for _, mb := range []struct {
		name string
		def  int
		dst  *int64
	}{
		{"EVIDENCE_DRAFT_MB", 50, &c.EvidenceDraftBytes},
		{"EVIDENCE_CLIENT_MB", 150, &c.EvidenceClientBytes},
		{"EVIDENCE_NET48_MB", 600, &c.EvidenceNet48Bytes},
		{"EVIDENCE_TOTAL_MB", 2048, &c.EvidenceTotalBytes},
		{"EVIDENCE_DAILY_MB", 10240, &c.EvidenceDailyBytes},
		{"UPLOAD_INFLIGHT_MB", 200, &c.UploadInflightBytes},
		{"IMPORT_INFLIGHT_MB", 100, &c.ImportInflightBytes},
	} {
		n, err := positiveInt(getenv, mb.name, mb.def)
		if err != nil {
			return nil, err
		}
		*mb.dst = int64(n) << 20
	}
	if c.TrustedProxies, err = prefixes(getenv, "TRUSTED_PROXIES"); err != nil {
		return nil, err
	}

	c.MetricsAddr = strings.TrimSpace(getenv("METRICS_ADDR"))
	if c.MetricsAddr != "" {
		if _, port, err := net.SplitHostPort(c.MetricsAddr); err != nil || port == "" {
			return nil, &Error{"METRICS_ADDR", fmt.Sprintf("%q is not host:port", c.MetricsAddr)}
		}
		if c.MetricsAddr == c.HTTPAddr {
			return nil, &Error{"METRICS_ADDR", "must differ from HTTP_ADDR"}
		}
	}
	if c.MetricsToken = strings.TrimSpace(getenv("METRICS_TOKEN")); c.MetricsToken != "" && len(c.MetricsToken) < 32 {
		return nil, &Error{"METRICS_TOKEN", "must be at least 32 characters"}
	}
	if c.DBStatementTimeout, err = duration(getenv, "DB_STATEMENT_TIMEOUT", 10*time.Second); err != nil {
		return nil, err
	}
	if c.RequestTimeout, err = duration(getenv, "REQUEST_TIMEOUT", 30*time.Second); err != nil {
		return nil, err
	}
	if c.RequestTimeout < c.DBStatementTimeout {
		return nil, &Error{Var: "REQUEST_TIMEOUT", Reason: "must be at least DB_STATEMENT_TIMEOUT"}
	}
	if c.DBLockTimeout, err = duration(getenv, "DB_LOCK_TIMEOUT", 5*time.Second); err != nil {
		return nil, err
	}
	if c.ReadyCache, err = duration(getenv, "READY_CACHE", 2*time.Second); err != nil {
		return nil, err
	}
	if c.DBIdleInTxTimeout, err = duration(getenv, "DB_IDLE_IN_TX_TIMEOUT", 5*time.Minute); err != nil {
		return nil, err
	}
	if c.DBIdleInTxTimeout < c.JobTimeout {
		return nil, &Error{Var: "DB_IDLE_IN_TX_TIMEOUT", Reason: "must be at least JOB_TIMEOUT"}
	}

	if s := getenv("SESSION_SECRET"); s != "" {
		if len(s) < 32 {
			return nil, &Error{"SESSION_SECRET", "must be at least 32 characters"}
		}
		c.SessionSecret = []byte(s)
	} else if !c.DevMode() {
		return nil, &Error{"SESSION_SECRET", "must be set when DATABASE_URL is set (production mode)"}
	}
	return c, nil
}

// EnsureSessionSecret fills SessionSecret in development mode from
// VarDir/session_secret, creating that file on first use. Keeping it on disk
// means a restart does not log every developer out.
func (c *Config) EnsureSessionSecret() error {
	if len(c.SessionSecret) > 0 {
		return nil
	}
	path := filepath.Join(c.VarDir, "session_secret")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		c.SessionSecret = []byte(strings.TrimSpace(string(b)))
		return nil
	}
	if err := os.MkdirAll(c.VarDir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", c.VarDir, err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return err
	}
	secret := hex.EncodeToString(raw)
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return fmt.Errorf("store generated session secret: %w", err)
	}
	c.SessionSecret = []byte(secret)
	return nil
}

func orDefault(v, def string) string {
	if v = strings.TrimSpace(v); v == "" {
		return def
	}
	return v
}

func duration(getenv func(string) string, name string, def time.Duration) (time.Duration, error) {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, &Error{name, fmt.Sprintf("%q is not a positive duration such as 30s or 2m", v)}
	}
	return d, nil
}

func positiveInt(getenv func(string) string, name string, def int) (int, error) {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, &Error{name, fmt.Sprintf("%q is not a positive whole number", v)}
	}
	return n, nil
}

// prefixes reads a comma-separated list of CIDRs; a bare address stands
// for itself alone (/32 or /128).
func prefixes(getenv func(string) string, name string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(getenv(name), ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil || a.Zone() != "" {
			return nil, &Error{name, fmt.Sprintf("%q is not an address or a CIDR range such as 10.0.0.0/8 or 2001:db8::/32", f)}
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// IsConfigError reports whether err is a configuration error.
func IsConfigError(err error) bool {
	var ce *Error
	return errors.As(err, &ce)
}
