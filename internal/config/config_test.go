package config

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func lookup(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load(lookup(nil))
	require.NoError(t, err)
	require.True(t, c.DevMode())
	require.Equal(t, "127.0.0.1:8080", c.HTTPAddr)
	require.Equal(t, "http://127.0.0.1:8080", c.BaseURL.String())
	require.Equal(t, slog.LevelInfo, c.LogLevel)
	require.Equal(t, "text", c.LogFormat)
	require.False(t, c.SecureCookies())
	require.Equal(t, 4, c.Workers["mail"])
}

func TestInvalidValuesNameTheVariable(t *testing.T) {
	cases := map[string]map[string]string{
		"DATABASE_URL":          {"DATABASE_URL": "mysql://x"},
		"SMTP_URL":              {"SMTP_URL": "http://x"},
		"HTTP_ADDR":             {"HTTP_ADDR": "8080"},
		"BASE_URL":              {"BASE_URL": "ftp://x"},
		"MAIL_FROM":             {"MAIL_FROM": "not an address"},
		"LOG_LEVEL":             {"LOG_LEVEL": "loud"},
		"LOG_FORMAT":            {"LOG_FORMAT": "xml"},
		"SESSION_SECRET":        {"SESSION_SECRET": "short"},
		"SHUTDOWN_TIMEOUT":      {"SHUTDOWN_TIMEOUT": "soon"},
		"WORKERS_MAIL":          {"WORKERS_MAIL": "0"},
		"METRICS_ADDR":          {"METRICS_ADDR": "9090"},
		"METRICS_TOKEN":         {"METRICS_TOKEN": "short"},
		"DB_STATEMENT_TIMEOUT":  {"DB_STATEMENT_TIMEOUT": "0s"},
		"DB_LOCK_TIMEOUT":       {"DB_LOCK_TIMEOUT": "a while"},
		"DB_IDLE_IN_TX_TIMEOUT": {"DB_IDLE_IN_TX_TIMEOUT": "-1s"},
		"REQUEST_TIMEOUT":       {"REQUEST_TIMEOUT": "5s", "DB_STATEMENT_TIMEOUT": "10s"},
		"TRUSTED_PROXIES":       {"TRUSTED_PROXIES": "10.0.0.0/8, proxy.internal"},
	}
	for name, env := range cases {
		_, err := Load(lookup(env))
		require.Error(t, err, name)
		require.Contains(t, err.Error(), "invalid "+name)
		require.True(t, IsConfigError(err))
	}
	_, err := Load(lookup(map[string]string{"DB_IDLE_IN_TX_TIMEOUT": "30s", "JOB_TIMEOUT": "1m"}))
	require.ErrorContains(t, err, "invalid DB_IDLE_IN_TX_TIMEOUT: must be at least JOB_TIMEOUT")
	_, err = Load(lookup(map[string]string{"DATABASE_URL": "postgres://db/x"}))
	require.ErrorContains(t, err, "invalid SESSION_SECRET", "production mode needs a secret")
}

func TestHTTPSBaseURLMakesCookiesSecure(t *testing.T) {
	c, err := Load(lookup(map[string]string{"BASE_URL": "https://cw.example.org/"}))
	require.NoError(t, err)
	require.True(t, c.SecureCookies())
	require.Equal(t, "https://cw.example.org", c.BaseURL.String())
}

func TestDevSessionSecretPersisted(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(lookup(map[string]string{"VAR_DIR": dir}))
	require.NoError(t, err)
	require.NoError(t, c.EnsureSessionSecret())
	first := string(c.SessionSecret)
	require.Len(t, first, 64)
	fi, err := os.Stat(filepath.Join(dir, "session_secret"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	c2, _ := Load(lookup(map[string]string{"VAR_DIR": dir}))
	require.NoError(t, c2.EnsureSessionSecret())
	require.Equal(t, first, string(c2.SessionSecret), "the same secret after a restart")
}

func TestTrustedProxies(t *testing.T) {
	c, err := Load(lookup(map[string]string{"TRUSTED_PROXIES": " 10.1.2.3/8, 192.0.2.7 ,2001:db8::/32,"}))
	require.NoError(t, err)
	var got []string
	for _, p := range c.TrustedProxies {
		got = append(got, p.String())
	}
	require.Equal(t, []string{"10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32"}, got)
}
