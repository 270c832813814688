package staff

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

func TestCommonAndPersonalPasswordsRefused(t *testing.T) {
	for _, p := range []string{
		"qwerty123456", "1qaz2wsx3edc", "LeaveMeAlone", "qwerty 123456", "123456789987654321",
	} {
		err := CheckNewPassword(p, "someone@example.org")
		require.Error(t, err, p)
		require.Equal(t, apperr.Invalid, apperr.CodeOf(err))
		require.Contains(t, err.Error(), "list of commonly used passwords", p)
	}
	for _, p := range []string{"JaneDoe-spring-2026", "jane.doe@example.org!!", "my campaignwatch pass"} {
		require.Error(t, CheckNewPassword(p, "Jane.Doe@example.org"), p)
	}
	require.ErrorContains(t, CheckNewPassword("janedoe spring", "janedoe@example.org"), "must not contain the account's email address")
	require.ErrorContains(t, CheckNewPassword("short", "x@example.org"), "at least 12 characters")
	for _, p := range []string{"correct horse battery staple", "plum-ladder-otter-92", GeneratePassword()} {
		require.NoError(t, CheckNewPassword(p, "jane.doe@example.org"), p)
	}
	require.Greater(t, len(commonPasswords()), 40000)
}
