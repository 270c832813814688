package spreadsheet

import "testing"

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
		if got := Neutralize(c.in); got != c.out {
			t.Errorf("Neutralize(%q) = %q, want %q", c.in, got, c.out)
		}
		if got := Restore(Neutralize(c.in)); got != c.in {
			t.Errorf("Restore(Neutralize(%q)) = %q", c.in, got)
		}
	}
}
