package complaints

import (
	"crypto/rand"
	"crypto/sha256"
	"strings"

	"github.com/campaignwatch/campaignwatch/complaints/triage"
)

// referenceAlphabet leaves out characters people confuse when reading a
// reference aloud or copying it: 0/O, 1/I/L, and U (V).
const referenceAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewReference returns a fresh reference such as CW-7K4M-Q2XD. Eight
// characters from 30 give about 6.5e11 values, so references cannot be
// guessed, and a collision (caught by the unique index) is retried.
func NewReference() string {
	b := make([]byte, 8)
	out := []byte("CW-XXXX-XXXX")
	_, _ = rand.Read(b)
	pos := []int{3, 4, 5, 6, 8, 9, 10, 11}
	for i, p := range pos {
		// 256 is not a multiple of 30; rejection keeps the draw uniform.
		for b[i] >= 240 {
			var one [1]byte
			_, _ = rand.Read(one[:])
			b[i] = one[0]
		}
		out[p] = referenceAlphabet[int(b[i])%len(referenceAlphabet)]
	}
	return string(out)
}

// NormalizeReference accepts what a person typed (lower case, spaces, a
// missing prefix) and returns the canonical form.
func NormalizeReference(v string) string {
	v = strings.ToUpper(strings.Join(strings.Fields(v), ""))
	v = strings.ReplaceAll(v, "-", "")
	v = strings.TrimPrefix(v, "CW")
	if len(v) != 8 {
		return ""
	}
	for _, r := range v {
		if !strings.ContainsRune(referenceAlphabet, r) {
			return ""
		}
	}
	return "CW-" + v[:4] + "-" + v[4:]
}

// NormalizeSender is the key complaints about the same sender share: UK
// numbers in E.164, email addresses lower-cased, advertiser names folded,
// and "" for a withheld number. It is the triage engine's own
// normalisation, so intake, duplicate spotting, clustering, counts and
// reports all agree on who "the same sender" is.
func NormalizeSender(v string) string {
	_, key := triage.NormaliseSender(cleanLine(v))
	return key
}

// dedupeHash identifies "the same complaint again": the same sender and
// message from the same complainant. Without complainant details, "the same
// person" is the same network address (anon), so strangers reporting one
// mass text are never merged into a single complaint.
func (s *Submission) dedupeHash(anon string) []byte {
	h := sha256.New()
	msg := strings.ToLower(strings.Join(strings.Fields(s.Message+" "+s.Description), " "))
	h.Write([]byte(NormalizeSender(s.Sender)))
	h.Write([]byte{0})
	h.Write([]byte(msg))
	h.Write([]byte{0})
	if c := s.Complainant; c != nil {
		h.Write([]byte(strings.ToLower(c.Email)))
		h.Write([]byte{0})
		h.Write([]byte(strings.ToLower(c.Phone)))
		h.Write([]byte{0})
		h.Write([]byte(strings.ToLower(c.Name)))
	}
	if c := s.Complainant; c == nil || c.Email+c.Phone+c.Name == "" {
		h.Write([]byte{1})
		h.Write([]byte(anon))
	}
	return h.Sum(nil)
}
