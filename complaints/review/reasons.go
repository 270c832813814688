package review

import (
	"regexp"
	"strings"

	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
)

// factWords says, for each complaint field the rulebook can test
// (triage.FactFields), what its value means in words, or false when the
// value is not one it knows. The engine's rationale names the field and
// its value ("sender_identified = false"); officers read these sentences
// instead.
var factWords = map[string]func(val string) (string, bool){
	"consent": func(v string) (string, bool) {
		w, ok := consentWords[v]
		return w, ok
	},
	"opted_out":         yesNoWords("the complainant had asked the sender to stop", "the complainant had not asked the sender to stop"),
	"tps_registered":    yesNoWords("the number is registered with the Telephone Preference Service", "the number is not registered with the Telephone Preference Service"),
	"sender_identified": yesNoWords("the sender said who they were", "the sender did not say who they were"),
	"opt_out_offered":   yesNoWords("the message offered a way to opt out", "the message offered no way to opt out"),
	"special_category":  yesNoWords("the message used special category data (such as health or beliefs)", "the message used no special category data"),
	"member":            yesNoWords("the complainant is a member of the party", "the complainant is not a member of the party"),
	"work_address":      yesNoWords("it was sent to a work address", "it was not sent to a work address"),
	"recipients_visible": func(v string) (string, bool) {
		if v == "1" {
			return "1 recipient's address was visible to the others", true
		}
		return v + " recipients' addresses were visible to each other", true
	},
	"breach_where": func(v string) (string, bool) {
		if t, ok := vocab.BreachPlaceByCode(v); ok {
			return "the data was exposed through: " + strings.ToLower(t.Label.EN), true
		}
		return "the data was exposed through: " + strings.ReplaceAll(v, "_", " "), true
	},
	"breach_exposed": func(v string) (string, bool) {
		return "the data exposed included " + exposedWords(v), true
	},
}

// yesNoWords is the words of a true/false field.
func yesNoWords(yes, no string) func(string) (string, bool) {
	return func(v string) (string, bool) {
		switch v {
		case "true":
			return yes, true
		case "false":
			return no, true
		}
		return "", false
	}
}

// consentWords is what each consent answer means.
var consentWords = map[string]string{
	"yes":    "the complainant had given permission",
	"no":     "the complainant had not given permission",
	"unsure": "the complainant was not sure whether they had given permission",
}

var (
	// factRE finds "field = value" for every field the engine can test,
	// where value is a boolean, a number or a code, and keeps what
	// follows (", the text says …").
	factRE    = regexp.MustCompile(`(?i)\b(` + strings.Join(triage.FactFields(), "|") + `) = ([a-z_]+|[0-9]+)`)
	exposedRE = regexp.MustCompile(`\bbreach_exposed includes ([a-z_, ]+)`)
	channelRE = regexp.MustCompile(`\b([Cc])hannel ([a-z_]+)\b`)
	notChanRE = regexp.MustCompile(`\bnot channel ((?:` + strings.Join(vocab.ChannelCodes(), "|") + `)(?: (?:` + strings.Join(vocab.ChannelCodes(), "|") + `))*)\b`)
	// codeInBracketsRE is a code in brackets after its description, as a
	// score's base names its channel.
	codeInBracketsRE = regexp.MustCompile(`\([a-z_]+\)`)
	// totalRE is the end of the score line: the total and its band.
	totalRE = regexp.MustCompile(` = ([0-9]+) → ([a-z_]+) \(([0-9]+)–([0-9]+)\)\.$`)
	// senderRE is the count of recent complaints from the same sender.
	senderRE   = regexp.MustCompile(`\bsame_sender_count = ([0-9]+)`)
	priorityRE = regexp.MustCompile(`→ ([a-z_]+)\.$`)
	// provisionsRE is the provisions a rule engages, after its arrow, and
	// guidanceRE the guidance points it names ("→ PECR-22, UKGDPR-14;
	// guidance G1, G4.").
	provisionsRE = regexp.MustCompile(`→ ([A-Z][A-Za-z0-9-]*(?:, [A-Z][A-Za-z0-9-]*)*)`)
	guidanceRE   = regexp.MustCompile(`; guidance ([A-Z][A-Za-z0-9-]*(?:, [A-Z][A-Za-z0-9-]*)*)`)
	// quotedRE finds the complaint's own words, which the engine quotes
	// with strconv.Quote.
	quotedRE = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
)

// titled is a list of rulebook ids in words: each known id as what it
// says with the id after it ("Title (PECR-22)"), joined by "; ". ok is
// false when an id is unknown, so a list that is not the rulebook's is
// left alone.
func titled(list string) (string, bool) {
	ids := strings.Split(list, ", ")
	words := make([]string, len(ids))
	for i, id := range ids {
		t := triage.CodeTitle(id)
		if t == "" {
			return "", false
		}
		words[i] = strings.TrimSuffix(t, ".") + " (" + id + ")"
	}
	return strings.Join(words, "; "), true
}

// Sentence rewrites one line of a triage rationale so that it reads as
// words: complaint fields and their values become what they mean, and
// channel, priority, place and data codes become their labels. Quoted
// text from the complaint is left as it is. A line already in words is
// returned unchanged.
func Sentence(line string) string {
	var b strings.Builder
	at := 0
	for _, q := range quotedRE.FindAllStringIndex(line, -1) {
		b.WriteString(inWords(line[at:q[0]]))
		b.WriteString(line[q[0]:q[1]])
		at = q[1]
	}
	b.WriteString(inWords(line[at:]))
	line = b.String()
	// A line that began with a field's name now begins with a sentence.
	if r := []rune(line); len(r) > 0 {
		line = strings.ToUpper(string(r[0])) + string(r[1:])
	}
	return line
}

// inWords rewrites the codes in a part of a line outside quotes.
func inWords(line string) string {
	line = factRE.ReplaceAllStringFunc(line, func(m string) string {
		sub := factRE.FindStringSubmatch(m)
		if words, ok := factWords[strings.ToLower(sub[1])]; ok {
			if w, ok := words(strings.ToLower(sub[2])); ok {
				return w
			}
		}
		return m
	})
	line = exposedRE.ReplaceAllStringFunc(line, func(m string) string {
		return "the data exposed included " + exposedWords(exposedRE.FindStringSubmatch(m)[1])
	})
	line = provisionsRE.ReplaceAllStringFunc(line, func(m string) string {
		if w, ok := titled(provisionsRE.FindStringSubmatch(m)[1]); ok {
			return "→ " + w
		}
		return m
	})
	line = guidanceRE.ReplaceAllStringFunc(line, func(m string) string {
		if w, ok := titled(guidanceRE.FindStringSubmatch(m)[1]); ok {
			return "; guidance: " + w
		}
		return m
	})
	line = notChanRE.ReplaceAllStringFunc(line, func(m string) string {
		var words []string
		for _, c := range strings.Fields(strings.TrimPrefix(m, "not channel ")) {
			words = append(words, channelWord(c))
		}
		return "not by " + strings.Join(words, " or ")
	})
	line = codeInBracketsRE.ReplaceAllStringFunc(line, func(m string) string {
		code := m[1 : len(m)-1]
		if !vocab.IsChannel(code) {
			return m
		}
		return "(" + channelWord(code) + ")"
	})
	line = channelRE.ReplaceAllStringFunc(line, func(m string) string {
		sub := channelRE.FindStringSubmatch(m)
		if !vocab.IsChannel(sub[2]) {
			return m
		}
		return sub[1] + "hannel: " + channelWord(sub[2])
	})
	line = senderRE.ReplaceAllString(line, "$1 recent complaints from the same sender")
	line = totalRE.ReplaceAllStringFunc(line, func(m string) string {
		sub := totalRE.FindStringSubmatch(m)
		p := sub[2]
		if vocab.IsPriority(p) {
			p = strings.ToLower(vocab.PriorityLabel(p))
		}
		return ", a total of " + sub[1] + ": priority " + p + " (" + sub[3] + "–" + sub[4] + ")."
	})
	line = priorityRE.ReplaceAllStringFunc(line, func(m string) string {
		code := priorityRE.FindStringSubmatch(m)[1]
		if vocab.IsPriority(code) {
			return "→ priority " + strings.ToLower(vocab.PriorityLabel(code)) + "."
		}
		return m
	})
	return line
}

// exposedWords is a comma-separated list of exposed-data codes in words.
func exposedWords(list string) string {
	var words []string
	for _, c := range strings.Split(list, ",") {
		c = strings.TrimSpace(c)
		if t, ok := vocab.ExposedDataByCode(c); ok {
			words = append(words, strings.ToLower(t.Label.EN))
		} else if c != "" {
			words = append(words, strings.ReplaceAll(c, "_", " "))
		}
	}
	return strings.Join(words, ", ")
}

// channelWord is a channel code's label in lower case, for the middle of
// a sentence.
func channelWord(code string) string {
	if vocab.IsChannel(code) {
		return strings.ToLower(vocab.ChannelLabel(code))
	}
	return strings.ReplaceAll(code, "_", " ")
}
