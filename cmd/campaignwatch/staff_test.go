package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

func TestUserAddRefusesCommonAndPersonalPasswords(t *testing.T) {
	t.Parallel()
	vars := baseVars(t, testdb.NewURL(t))
	code, stdout, stderr := runCLI(t, vars, "qwerty123456\n", "user", "add", "--email", "clerk@example.org", "--role", "analyst", "--password-stdin")
	require.Equal(t, 1, code, stdout)
	require.Contains(t, stderr, "on a list of commonly used passwords")
	require.Equal(t, 1, strings.Count(strings.TrimSpace(stderr), "\n")+1, "one sentence")

	code, _, stderr = runCLI(t, vars, "clerk's own password\n", "user", "add", "--email", "clerk@example.org", "--role", "analyst", "--password-stdin")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "must not contain the account's email address")

	code, _, stderr = runCLI(t, vars, "plum ladder otter 92\n", "user", "add", "--email", "clerk@example.org", "--role", "analyst", "--password-stdin")
	require.Equal(t, 0, code, stderr)
}

func TestTokenExpiryAndList(t *testing.T) {
	t.Parallel()
	vars := baseVars(t, testdb.NewURL(t))
	code, _, stderr := runCLI(t, vars, "", "user", "add", "--email", "bot@example.org", "--role", "analyst")
	require.Equal(t, 0, code, stderr)

	for _, bad := range []string{"forever", "0d", "400d", "30m", "-5d"} {
		code, _, stderr = runCLI(t, vars, "", "token", "create", "--email", "bot@example.org", "--expires-in", bad)
		require.Equal(t, 2, code, bad)
		require.Contains(t, stderr, "--expires-in", bad)
	}

	code, token, stderr := runCLI(t, vars, "", "token", "create", "--email", "bot@example.org", "--expires-in", "7d")
	require.Equal(t, 0, code, stderr)
	require.Regexp(t, `Token 1 created for bot@example.org, valid until \d{4}-\d\d-\d\d \d\d:\d\d UTC`, stderr)
	token = strings.TrimSpace(token)
	code, _, stderr = runCLI(t, vars, "", "token", "create", "--email", "bot@example.org")
	require.Equal(t, 0, code, stderr)

	code, stdout, stderr := runCLI(t, vars, "", "token", "list")
	require.Equal(t, 0, code, stderr)
	require.Regexp(t, `(?m)^ID\s+OWNER\s+CREATED\s+EXPIRES\s+LAST USED\s+STATE$`, stdout)
	require.Regexp(t, regexp.MustCompile(`(?m)^1\s+bot@example\.org\s+\S+ \S+ UTC\s+\S+ \S+ UTC\s+never\s+live$`), stdout)
	require.NotContains(t, stdout, token[:12], "never the secret, nor a part of it")
	require.Equal(t, 3, strings.Count(stdout, "\n"), "a header and two tokens")

	code, _, _ = runCLI(t, vars, "", "token", "revoke", "--id", "1")
	require.Equal(t, 0, code)
	code, stdout, _ = runCLI(t, vars, "", "token", "list", "--email", "bot@example.org")
	require.Equal(t, 0, code)
	require.NotRegexp(t, `(?m)^1\s`, stdout, "revoked tokens are left out")
	code, stdout, _ = runCLI(t, vars, "", "token", "list", "--all")
	require.Equal(t, 0, code)
	require.Regexp(t, `(?m)^1\s.*revoked$`, stdout)
}
