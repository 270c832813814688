package spreadsheet

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNeutralizeAndRestore(t *testing.T) {
	cases := []struct{ in, out string }{
		{"", ""},
		{"plain", "plain"},
		{`=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
		{"+44 7700 900123", "'+44 7700 900123"},
		{"-1", "'-1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tcmd", "'\tcmd"},
		{"\rcmd", "'\rcmd"},
		{"'quoted", "'quoted"},
		{"a=b", "a=b"},
	}
	for _, c := range cases {
		assert.Equal(t, c.out, Neutralize(c.in), "Neutralize(%q)", c.in)
		assert.Equal(t, c.in, Restore(Neutralize(c.in)), "Restore(Neutralize(%q))", c.in)
	}
}
