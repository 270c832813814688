package triage

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/demo"
)

func demoParties() []Party {
	var parties []Party
	for _, p := range demo.Parties {
		parties = append(parties, Party{Name: p.Name, ShortName: p.ShortName, Aliases: p.Aliases, Nations: p.Nations})
	}
	return parties
}

// runLikeCLI triages one complaint line through Engine.Run, the path
// `campaignwatch triage` takes, and decodes the output line.
func runLikeCLI(t *testing.T, e *Engine, line []byte, ctx *Context) Result {
	t.Helper()
	var out bytes.Buffer
	ok, bad, err := e.Run(bytes.NewReader(append(line, '\n')), &out, ctx, false)
	require.NoError(t, err, "run: output=%s", out.String())
	require.Equal(t, [2]int{1, 0}, [2]int{ok, bad}, "run: ok and bad lines, output=%s", out.String())
	var r Result
	require.NoError(t, json.Unmarshal(out.Bytes(), &r), "output %q", out.String())
	return r
}

// publicWords returns an engine with the default rulebook and the
// labelled cases of testdata/public_words.jsonl.
func publicWords(t *testing.T) (*Engine, []LabelledCase) {
	t.Helper()
	rb, err := DefaultRulebook()
	require.NoError(t, err)
	e, err := NewEngine(rb)
	require.NoError(t, err)
	f, err := os.Open("testdata/public_words.jsonl")
	require.NoError(t, err)
	defer f.Close()
	cases, err := ReadCases(f)
	require.NoError(t, err)
	return e, cases
}

// TestPublicWords scores the labelled cases in testdata/public_words.jsonl
// (complaints in the public's own words, English and Welsh, labelled from
// the policy) with the same scorer as `campaignwatch triage score`, and
// fails under the policy's targets. It runs twice: with no context at all
// (as `campaignwatch triage --no-db`) and with the demo party registry.
func TestPublicWords(t *testing.T) {
	e, cases := publicWords(t)
	require.GreaterOrEqual(t, len(cases), 100, "public-words cases")
	for _, mode := range []struct {
		name string
		base *Context
	}{{"no-db", nil}, {"parties", NewContext(nil, demoParties(), SenderCounts{})}} {
		t.Run(mode.name, func(t *testing.T) {
			s := e.Score(cases, mode.base)
			for _, line := range s.Summary() {
				t.Log(line)
			}
			for _, f := range s.Failures {
				t.Logf("%s: %s\n    %s", f.ID, strings.Join(f.Problems, "; "), strings.Join(f.Rationale, "\n    "))
			}
			assert.GreaterOrEqual(t, s.Primary, Targets.Primary, "primary channel right")
			assert.GreaterOrEqual(t, s.Provisions, Targets.Provisions, "every required provision present")
			assert.LessOrEqual(t, s.Forbidden, Targets.Forbidden, "cases with a forbidden provision")
			assert.GreaterOrEqual(t, s.Band, Targets.Band, "band right")
		})
	}
}

// TestPublicWordsThroughTheCommandPath checks that a case triaged through
// Engine.Run (JSON in, JSON out) gets the result Triage gives.
func TestPublicWordsThroughTheCommandPath(t *testing.T) {
	e, cases := publicWords(t)
	for _, lc := range cases[:10] {
		var c Complaint
		require.NoError(t, json.Unmarshal(lc.Complaint, &c))
		want := e.Triage(&c, nil)
		got := runLikeCLI(t, e, lc.Complaint, nil)
		require.Equal(t, want.Channel, got.Channel, lc.ID)
		require.Equal(t, want.Provisions, got.Provisions, lc.ID)
		require.Equal(t, want.Score, got.Score, lc.ID)
	}
}
