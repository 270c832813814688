package plaintext

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestInvalid(t *testing.T) {
	for _, c := range []struct {
		s         string
		multiline bool
		want      bool
	}{
		{"Plaid Cymru – Ŵ 🌍", false, false},
		{"", false, false},
		{"a\x00b", true, true},
		{"a\x07b", true, true},
		{"a\x1fb", true, true},
		{"a\xffb", true, true},
		{"\xe2\x82", true, true}, // a cut-off character
		{"line\nline\ttab\r", true, false},
		{"line\nline", false, true},
		{"a\tb", false, true},
		{"\x7f", false, false}, // DEL is not C0; PostgreSQL stores it
	} {
		assert.Equal(t, c.want, Invalid(c.s, c.multiline), "Invalid(%q, %v)", c.s, c.multiline)
	}
}
