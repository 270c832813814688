package redact_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/redact"
)

// corpusCase is one example of testdata/corpus.txt.
type corpusCase struct{ name, in, out string }

// readCorpus parses testdata/corpus.txt: cases of "name:", "in:" and
// "out:" lines separated by blank lines, "#" lines being comments.
func readCorpus(t *testing.T) []corpusCase {
	t.Helper()
	data, err := os.ReadFile("testdata/corpus.txt")
	require.NoError(t, err)
	var out []corpusCase
	for _, block := range strings.Split(string(data), "\n\n") {
		var c corpusCase
		for _, line := range strings.Split(block, "\n") {
			switch {
			case strings.HasPrefix(line, "#"), line == "":
			case strings.HasPrefix(line, "name: "):
				c.name = strings.TrimPrefix(line, "name: ")
			case strings.HasPrefix(line, "in: "):
				c.in = strings.TrimPrefix(line, "in: ")
			case strings.HasPrefix(line, "out: "):
				c.out = strings.TrimPrefix(line, "out: ")
			default:
				t.Fatalf("corpus: unexpected line %q", line)
			}
		}
		if c.name == "" {
			continue
		}
		require.NotEmpty(t, c.in, c.name)
		require.NotEmpty(t, c.out, c.name)
		out = append(out, c)
	}
	return out
}

// TestCorpus runs the redaction corpus: each personal detail goes, and
// each negative ("keep ...") stays as it was.
func TestCorpus(t *testing.T) {
	t.Parallel()
	who := redact.Person{Name: "Mrs Anne-Marie O'Neill", Email: "anne@example.org", Phone: "07700 900123", Postcode: "BT1 5GS"}
	cases := readCorpus(t)
	require.GreaterOrEqual(t, len(cases), 60, "the corpus keeps at least 60 examples")
	negatives := 0
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if strings.HasPrefix(c.name, "keep ") {
				negatives++
				require.Equal(t, c.in, c.out, "a negative's expected output is its input")
			}
			require.Equal(t, c.out, redact.Text(c.in, who))
		})
	}
	require.GreaterOrEqual(t, negatives, 10)
}
