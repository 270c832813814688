package triage

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInflections(t *testing.T) {
	for base, forms := range map[string][]string{
		"call":  {"call", "calls", "called", "calling"},
		"text":  {"text", "texts", "texted", "texting"},
		"phone": {"phoned", "phoning", "phones"},
		"reply": {"replied", "replies"},
		"stop":  {"stopped", "stopping"},
	} {
		got := map[string]bool{}
		for _, f := range inflections(base) {
			got[f] = true
		}
		for _, f := range forms {
			assert.True(t, got[f], "%s: no form %s", base, f)
		}
	}
	for _, f := range inflections("ad") {
		assert.NotEqual(t, "added", f, `"ad" must not inflect to "added"`)
	}
}

func TestNegationWindow(t *testing.T) {
	m := newMatcher(3, 4)
	for _, w := range []string{"not", "wasnt", "never", "no"} {
		m.negation[m.word(w)] = true
	}
	m.boundary[m.word("but")] = true
	g := m.addGroup(cueGroupInfo{id: "auto", channel: -1, negatable: true, sources: srcMessage | srcDescription})
	m.addPhrase(g, "=recording", true)
	m.addPhrase(g, "robot", true)
	m.addPhrase(g, "no one ... on the line", true)
	for text, want := range map[string]bool{
		"it wasn't a recording":                    false,
		"It wasn’t a recording":                    false, // curly apostrophe
		"not a robot":                              false,
		"it was a recording":                       true,
		"not sure, but it was a recording":         true, // boundary word
		"Not really. A recording":                  true, // full stop
		"I never thought a shop would use a robot": true, // negation 5 words back
		"no one was on the line":                   true, // negation inside the phrase
		"there was not anyone, no one on the line": true,
		"they had robots calling":                  true,
		"a robot, not one that spoke":              true,
		"robot wasnt it":                           true,
	} {
		toks, _ := m.tokenize(nil, text, srcDescription, nil)
		hits := make([]hit, 1)
		m.match(toks, hits, nil)
		assert.Equal(t, want, hits[0].matched, "%q: matched", text)
	}
}

func TestNormaliseSender(t *testing.T) {
	for in, want := range map[string][2]string{
		"07700 900123":           {"phone", "+447700900123"},
		"+44 7700 900123":        {"phone", "+447700900123"},
		"+44 (0) 7700-900-123":   {"phone", "+447700900123"},
		"0044 7700 900123":       {"phone", "+447700900123"},
		"028 9018 0000":          {"phone", "+442890180000"},
		"+1 202 555 0147":        {"phone", "+12025550147"},
		"7726":                   {"name", "7726"},
		"60777":                  {"phone", "60777"},
		" Jo@Example.ORG ":       {"email", "jo@example.org"},
		"mailto:JO@example.org":  {"email", "jo@example.org"},
		"Jo <Jo@Example.org>":    {"email", "jo@example.org"},
		"Sinn Féin – Official!":  {"name", "sinn fein official"},
		"  Lib-Dems   Newsroom ": {"name", "lib dems newsroom"},
		"Withheld":               {"withheld", ""},
		"Private number":         {"withheld", ""},
		"":                       {"", ""},
	} {
		k, key := NormaliseSender(in)
		assert.Equal(t, want, [2]string{string(k), key}, in)
	}
}

func TestParseDate(t *testing.T) {
	for in, day := range map[string]int{
		"2024-07-04":                  20240704,
		"2024-07-04T23:30:00Z":        20240705, // UK summer time
		"2024-01-10T23:30:00Z":        20240110,
		"2024-07-04T10:00:00.5+01:00": 20240704,
		"2024-07-04T10:00:00":         20240704,
	} {
		d, err := ParseDate(in)
		if assert.NoError(t, err, in) {
			assert.Equal(t, day, d.Day(), in)
		}
	}
	_, err := ParseDate("4 July")
	assert.Error(t, err, "4 July parsed")
}

// TestExceptionsAndAlternatives checks the two phrase features the
// rulebook relies on for public wording: "a|b" word alternatives, and
// exception phrases that cancel a cue starting inside them.
func TestExceptionsAndAlternatives(t *testing.T) {
	m := newMatcher(3, 4)
	m.negation[m.word("not")] = true
	g := m.addGroup(cueGroupInfo{id: "auto", channel: -1, negatable: true, sources: srcMessage | srcDescription})
	m.addPhrase(g, "=recorded", true)
	m.addPhrase(g, "robot|computer voice", true)
	m.addException(g, "i|ive recorded")
	m.addException(g, "recorded the call|conversation")
	for text, want := range map[string]bool{
		"a recorded message":                 true,
		"I recorded the call on my phone":    false,
		"ive recorded it":                    false,
		"they recorded the conversation":     false, // exception starts at the cue
		"I recorded it. It was recorded":     true,  // a later, unexcepted cue counts
		"a robot voice":                      true,
		"a computer voice":                   true,
		"not a computer voice":               false, // alternatives are negatable too
		"a computers voice, eerily lifeless": true,  // alternatives inflect
	} {
		toks, _ := m.tokenize(nil, text, srcDescription, nil)
		hits := make([]hit, 1)
		m.match(toks, hits, nil)
		assert.Equal(t, want, hits[0].matched, "%q: matched", text)
	}
	assert.Error(t, (&Rulebook{}).checkPhrase("no opt-out|stop link"), `checkPhrase accepted a two-word alternative "opt-out"`)
}

// TestForgivingWords checks the tokenizer's Policy 2 rules: accents fold,
// single letters with dots join, thousands separators vanish, and a colon
// does not end a clause.
func TestForgivingWords(t *testing.T) {
	for in, want := range map[string]string{
		"ffôn ŵyr ŷd Â":        "ffon wyr yd a",
		"the C.C. line":        "the cc line",
		"e.g. cc: all":         "eg cc all",
		"over 2,000 people":    "over 2000 people",
		"1,234,567 names":      "1234567 names",
		"3, 4 and 5":           "3 4 and 5",
		"Plan B. Then":         "plan b then",
		"wedi'i recordio":      "wedii recordio",
		"To: everyone":         "to everyone",
		"12,50 is not a count": "12 50 is not a count",
	} {
		assert.Equal(t, want, strings.Join(splitWords(in), " "), in)
	}
	m := newMatcher(3, 4)
	g := m.addGroup(cueGroupInfo{id: "bcc", channel: -1, negatable: true, sources: srcMessage | srcDescription})
	m.addPhrase(g, "to line", true)
	toks, _ := m.tokenize(nil, "we were all in the To: line", srcDescription, nil)
	hits := make([]hit, 1)
	m.match(toks, hits, nil)
	assert.True(t, hits[0].matched, "a colon broke the cue")
}

// TestWelshMutations checks "~word": the word matches its soft, nasal and
// aspirate mutations, and nothing else.
func TestWelshMutations(t *testing.T) {
	for base, forms := range map[string][]string{
		"testun":    {"testun", "destun", "nhestun", "thestun"},
		"cyfeiriad": {"gyfeiriad", "nghyfeiriad", "chyfeiriad"},
		"pleidlais": {"bleidlais", "mhleidlais", "phleidlais"},
		"bost":      {"fost", "most"},
		"dweud":     {"ddweud", "nweud"},
		"galwad":    {"alwad", "ngalwad"},
		"manylion":  {"fanylion"},
		"llinell":   {"linell"},
		"rhif":      {"rif"},
		"ebost":     {"hebost"},
	} {
		got := mutations(base)
		for _, f := range forms {
			assert.Contains(t, got, f, base)
		}
	}
	assert.Equal(t, []string{"ffonio", "ffonior", "ffonion"}, mutations("ffonio"), "ff does not mutate; clitics join a final vowel")
	assert.Equal(t, []string{"chwech"}, mutations("chwech"), "ch does not mutate")

	m := newMatcher(3, 4)
	m.negation[m.word("ddim")] = true
	g := m.addGroup(cueGroupInfo{id: "sms", channel: -1, negatable: true, sources: srcMessage | srcDescription})
	m.addPhrase(g, "~neges ~testun", true)
	m.addPhrase(g, "~negeseuon ~testun", true)
	for text, want := range map[string]bool{
		"ges i neges destun":       true,
		"dwy o negeseuon testun":   true,
		"ei neges hi":              false,
		"ches i ddim neges destun": false, // negated
		"NEGES DESTUN gan y Blaid": true,
	} {
		toks, _ := m.tokenize(nil, text, srcDescription, nil)
		hits := make([]hit, 1)
		m.match(toks, hits, nil)
		assert.Equal(t, want, hits[0].matched, "%q: matched", text)
	}
}

// TestCountsReadFromText checks the counts the default rulebook reads.
func TestCountsReadFromText(t *testing.T) {
	rb, err := DefaultRulebook()
	require.NoError(t, err)
	e, err := NewEngine(rb)
	require.NoError(t, err)
	for text, want := range map[string]int{
		"over 2,000 people could see it":      2000,
		"about sixty addresses":               60,
		"200 in the group":                    200,
		"hundreds of names":                   200,
		"two hundred and more":                -1,
		"two hundred members":                 200,
		"sixty five of us":                    65,
		"dros 300 ohonom ni":                  300,
		"tua chwe deg o gyfeiriadau":          60,
		"tua 1,200 o drigolion":               1200,
		"I have been on the TPS since 2015":   -1,
		"ring 07700 people":                   -1,
		"18 of us. 45 people in another list": 45,
		"I picked up well over a hundred.":    100,
		"about 10 minutes later":              -1,
	} {
		st := &state{}
		c := &Complaint{Description: text}
		st.reset(e, c, emptyContext)
		assert.Equal(t, want, st.count, text)
	}
}

// TestRedactQuotes checks that quoted cues never carry an email address or
// a phone number.
func TestRedactQuotes(t *testing.T) {
	for in, want := range map[string]string{
		"to my work jo@example.org inbox": "to my work […] inbox",
		"ring 07700 900123 people":        "ring […] […] people",
		"over 2,000 people":               "over 2,000 people",
		"press 1":                         "press 1",
	} {
		assert.Equal(t, want, redact(in), in)
	}
}

// TestFilterChangesNothing checks the text filter (phrases whose later
// words are absent are not tried, verdicts kept per text) finds exactly
// what trying every phrase finds, over every labelled case, twice in a row
// with one state so kept verdicts cannot leak from one text to the next.
func TestFilterChangesNothing(t *testing.T) {
	e, cases := publicWords(t)
	st := &state{}
	for round := 0; round < 2; round++ {
		for _, lc := range cases {
			var c Complaint
			require.NoError(t, json.Unmarshal(lc.Complaint, &c))
			st.reset(e, &c, emptyContext)
			plain := make([]hit, len(e.m.groups))
			e.m.match(st.toks, plain, nil)
			e.matchTogether(plain)
			require.Equal(t, plain, st.hits, "%s: hits with and without the filter", lc.ID)
		}
	}
}

// TestCueGroupsTogether checks a cue group matched by a set of others: an
// offer to be removed and the complainant taking it are an objection, the
// offer alone is not.
func TestCueGroupsTogether(t *testing.T) {
	rb, err := DefaultRulebook()
	require.NoError(t, err)
	e, err := NewEngine(rb)
	require.NoError(t, err)
	objected := e.cueGroupID["objected"]
	for text, want := range map[string]bool{
		"A recorded call said press 2 to be removed. I pressed 2.":             true,
		"The robocall said 'press 9 to never hear from us again', so I did.":   true,
		"A recorded call said press 2 to be removed. I just hung up.":          false,
		"A recorded call said press 2 to be removed. I didn't press anything.": false,
		"I pressed 1 to speak to a volunteer.":                                 false,
		"Mae modd ateb STOP, ond dw i ddim wedi gwneud.":                       false,
	} {
		st := &state{}
		st.reset(e, &Complaint{Description: text}, emptyContext)
		assert.Equal(t, want, st.hits[objected].matched, text)
	}
}
