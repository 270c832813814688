package triage

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mutate replaces old (which must occur once) in the default rulebook and
// returns the new file and the 1-based line where the replacement starts.
func mutate(t *testing.T, old, repl string) ([]byte, int) {
	t.Helper()
	src := string(defaultRulebook)
	require.Equal(t, 1, strings.Count(src, old), "%q must occur once in the default rulebook", old)
	i := strings.Index(src, old)
	line := strings.Count(src[:i], "\n") + 1 + strings.Count(old[:len(old)-len(strings.TrimLeft(old, "\n"))], "\n")
	return []byte(strings.Replace(src, old, repl, 1)), line
}

func TestDefaultRulebookIsValid(t *testing.T) {
	rb, err := DefaultRulebook()
	require.NoError(t, err)
	require.NotEmpty(t, rb.Version)
	require.Len(t, rb.Hash, 16)
	require.Equal(t, "embedded", rb.Source)
	// The provisions are exactly those of the legal reference, in order.
	want := "PECR-6 PECR-19 PECR-21 PECR-22 PECR-23 PECR-24 UKGDPR-5-1-a UKGDPR-5-1-f UKGDPR-6 UKGDPR-9 UKGDPR-13 UKGDPR-14 UKGDPR-21 UKGDPR-22 UKGDPR-26 UKGDPR-32 UKGDPR-33 UKGDPR-34 UKGDPR-35"
	var got []string
	for _, p := range rb.Provisions {
		got = append(got, p.ID)
	}
	require.Equal(t, want, strings.Join(got, " "), "provisions")
	var rules []string
	for _, r := range rb.Rules {
		rules = append(rules, r.ID)
	}
	require.Equal(t, "R1 R2 R3 R4 R5 R6 R7 R8 R9 R10 R11 R12 R13 R14 R15 R16 R17 R18 R19 R20 R20b R21", strings.Join(rules, " "), "rules")
}

func TestRulebookErrorsNameTheLine(t *testing.T) {
	for _, tc := range []struct {
		name, old, repl, msg string
	}{
		{"unknown provision", "    provisions: [PECR-22]\n", "    provisions: [PECR-99]\n", `unknown provision id "PECR-99"`},
		{"provision missing from the legal reference", "  - id: PECR-6\n", "  - id: PECR-7\n", `provision "PECR-7" is not in the legal reference`},
		{"unknown guidance", "    provisions: [PECR-23]\n    guidance: [G1]\n", "    provisions: [PECR-23]\n    guidance: [G9]\n", `unknown guidance id "G9"`},
		{"unknown key", "    title: Tracking by cookies or pixels\n", "    title: Tracking by cookies or pixels\n    colour: red\n", "field colour not found"},
		{"duplicate rule id", "  - id: R2\n", "  - id: R1\n", `duplicate rule id "R1"`},
		{"overlapping bands", "  - {priority: medium, min: 35, max: 54}\n", "  - {priority: medium, min: 30, max: 54}\n", "overlaps band low"},
		{"gap between bands", "  - {priority: high, min: 55, max: 74}\n", "  - {priority: high, min: 57, max: 74}\n", "scores 55–56 have no band"},
		{"band below cap", "  - {priority: urgent, min: 75, max: 100}\n", "  - {priority: urgent, min: 75, max: 90}\n", "below the score cap"},
		{"bad cue gap", `      - "robocall"` + "\n", `      - "... robocall"` + "\n", `"..." must stand between two words`},
		{"bad cue punctuation only", `      - "robocall"` + "\n", `      - "robocall ?!"` + "\n", "has no letters or digits"},
		{"empty cue", `      - "robocall"` + "\n", `      - ""` + "\n", "the cue is empty"},
		{"unknown cue group", "      cue: tracking\n", "      cue: trackers\n", `unknown cue group "trackers"`},
		{"unknown channel", "  - id: sms\n    strong:\n", "  - id: billboard\n    strong:\n", `unknown channel "billboard"`},
		{"duplicate cue phrase", `      - "pixel"` + "\n", `      - "pixel"` + "\n" + `      - "Pixel"` + "\n", "listed twice"},
		{"two kinds in a condition", "      cue: tracking\n", "      cue: tracking\n      always: true\n", "exactly one of"},
		{"unknown base in adder", "      unless_base: [minor_provisions, minor_call_provisions, minor_other_provisions]\n", "      unless_base: [minor]\n", `unknown base "minor"`},
		{"bad field test", "          else_cue: objected\n        - not: {rule: R20}\n    provisions: [PECR-21]\n",
			"          else_cue: objected\n          gte: 3\n        - not: {rule: R20}\n    provisions: [PECR-21]\n", "needs is: true or is: false"},
		// Policy 2 sections.
		{"unknown word set", `      - "@sender ... rang|phoned|rung|telephoned|ringing|phoning"` + "\n", `      - "@senders ... rang"` + "\n", `"@senders" is not a word set`},
		{"word set entry of two words", "    self: [=i, =ive,", "    self: [=i, i am, =ive,", "must be one word"},
		{"counts for an unknown channel", "  channels: [bcc_breach, data_breach]\n  within: 3\n", "  channels: [bcc_breach, fax]\n  within: 3\n", `unknown channel "fax"`},
		{"number word without a value", "    twenty: 20\n", "    twenty: 0\n", "must have a value above 0"},
		{"quantifier of two words", "  quantifiers: [over, about,", "  quantifiers: [well over, about,", "must be one word"},
		{"counts within too wide", "  within: 3\n", "  within: 9\n", "counts within must be between 0 and 5"},
		{"consent from an unknown cue group", "  yes_cue: signed_up\n", "  yes_cue: signed\n", `unknown cue group "signed"`},
		{"condition naming an unknown rule", "        - not: {rule: R19}\n", "        - not: {rule: R99}\n", `unknown rule "R99"`},
		{"rule depending on itself", "        - rule: R20\n", "        - rule: R20b\n", "depends on itself"},
		{"base crediting an unknown channel", "      channels: [data_breach]\n", "      channels: [data_leak]\n", `unknown channel "data_leak"`},
		{"unknown exposed data", "in: [voting_intention, party_membership, sensitive]", "in: [voting_intention, shoe_size]", "breach_exposed values are"},
		{"together naming an unknown cue group", "      - [removal_offer, took_offer]\n", "      - [removal_offer, took_it]\n", `"took_it" is not a cue group listed before it`},
		{"together naming a later cue group", "      - [removal_offer, took_offer]\n", "      - [removal_offer, tps]\n", `"tps" is not a cue group listed before it`},
		{"together of one cue group", "      - [removal_offer, took_offer]\n", "      - [removal_offer]\n", "needs at least two cue groups"},
		{"bad firm cue", `      - "~dyn|~menyw|~person|~gwirfoddolwr go iawn"` + "\n", `      - "go ... iawn ..."` + "\n", `"..." must stand between two words`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, line := mutate(t, tc.old, tc.repl)
			_, err := ParseRulebook(b, "test.yaml")
			var le *LoadError
			require.True(t, errors.As(err, &le), "want a LoadError, got %v", err)
			require.Contains(t, err.Error(), tc.msg)
			// The error names the changed line, or for a condition the line
			// where the condition starts, never a line far away.
			require.InDelta(t, line, le.Line, 3, "error names line %d, the change is on line %d: %v", le.Line, line, err)
			require.Contains(t, err.Error(), "line "+strconv.Itoa(le.Line), "the message names the line")
			require.Contains(t, err.Error(), "test.yaml", "the message names the file")
		})
	}
}

func TestRulebookSyntaxErrorNamesLine(t *testing.T) {
	b, line := mutate(t, "version: \"2026.12\"\n", "version: \"2026.12\"\nrules: [unclosed\n")
	_, err := ParseRulebook(b, "broken.yaml")
	var le *LoadError
	require.True(t, errors.As(err, &le), "want a LoadError, got %v", err)
	require.GreaterOrEqual(t, le.Line, line, "the error is at or after the change: %v", err)
}

func TestRulebookFromEnv(t *testing.T) {
	dir := t.TempDir()
	b, _ := mutate(t, "version: \"2026.12\"\n", "version: \"local-test-7\"\n")
	path := filepath.Join(dir, "rb.yaml")
	require.NoError(t, os.WriteFile(path, b, 0o600))
	rb, err := LoadRulebookEnv(func(k string) string { return map[string]string{"RULEBOOK": path}[k] })
	require.NoError(t, err)
	def, _ := DefaultRulebook()
	require.Equal(t, "local-test-7", rb.Version)
	require.Equal(t, path, rb.Source)
	require.NotEqual(t, def.Hash, rb.Hash)
	e, err := NewEngine(rb)
	require.NoError(t, err)
	r := e.Triage(&Complaint{Channel: "sms", Consent: "no"}, nil)
	require.Equal(t, "local-test-7", r.RulebookVersion, "the result records the rulebook")
	require.Equal(t, rb.Hash, r.RulebookHash, "the result records the rulebook")
	_, err = LoadRulebookEnv(func(string) string { return filepath.Join(dir, "missing.yaml") })
	require.ErrorContains(t, err, "RULEBOOK", "missing file")
	empty := filepath.Join(dir, "empty.yaml")
	_ = os.WriteFile(empty, nil, 0o600)
	_, err = LoadRulebookEnv(func(string) string { return empty })
	require.Error(t, err, "an empty rulebook loaded")
}

// TestBandEdgesExact pins every band edge with rulebooks whose
// "nothing else applies" base is set to the edge score.
func TestBandEdgesExact(t *testing.T) {
	for _, tc := range []struct {
		points   int
		priority string
	}{{0, "low"}, {34, "low"}, {35, "medium"}, {54, "medium"}, {55, "high"}, {74, "high"}, {75, "urgent"}, {100, "urgent"}, {140, "urgent"}} {
		b, _ := mutate(t, "      points: 10\n      channels: all\n      when:\n        always: true\n", "      points: "+strconv.Itoa(tc.points)+"\n      channels: all\n      when:\n        always: true\n")
		rb, err := ParseRulebook(b, "edge.yaml")
		require.NoError(t, err)
		e, err := NewEngine(rb)
		require.NoError(t, err)
		r := e.Triage(&Complaint{Channel: "email", Consent: "yes", SenderIdentified: Yes, OptOutOffered: Yes}, nil)
		want := tc.points
		if want > 100 {
			want = 100
		}
		assert.Equal(t, want, r.Score, "base %d: score", tc.points)
		assert.Equal(t, tc.priority, r.Priority, "base %d: priority", tc.points)
	}
}
