package staff

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPasswordHashing(t *testing.T) {
	h, err := HashPassword("correct horse battery staple")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$"))
	ok, err := CheckPassword(h, "correct horse battery staple")
	require.NoError(t, err)
	require.True(t, ok)
	ok, _ = CheckPassword(h, "correct horse battery stapler")
	require.False(t, ok)
	h2, _ := HashPassword("correct horse battery staple")
	require.NotEqual(t, h, h2, "salted")
	_, err = CheckPassword("$2a$10$bcrypt", "x")
	require.Error(t, err)
}

func TestGeneratedPasswords(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		p := GeneratePassword()
		require.Len(t, p, 20)
		require.NotContains(t, p, "0")
		require.NotContains(t, p, "l")
		require.False(t, seen[p])
		seen[p] = true
	}
}

func TestParseRole(t *testing.T) {
	r, err := ParseRole(" Triage_Officer ")
	require.NoError(t, err)
	require.Equal(t, RoleTriageOfficer, r)
	_, err = ParseRole("superuser")
	require.ErrorContains(t, err, "admin, political_team, triage_officer, analyst")
}
