package review

import (
	"regexp"
	"strings"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
)

// factWords says, for each complaint field the rulebook tests, what a
// true and a false value mean in words. The engine's rationale names the
// field and its value ("sender_identified = false"); officers read these
// sentences instead.
var factWords = map[string][2]string{
	"opted_out":         {"the complainant had asked the sender to stop", "the complainant had not asked the sender to stop"},
	"tps_registered":    {"the number is registered with the Telephone Preference Service", "the number is not registered with the Telephone Preference Service"},
	"sender_identified": {"the sender said who they were", "the sender did not say who they were"},
	"opt_out_offered":   {"the message offered a way to opt out", "the message offered no way to opt out"},
	"special_category":  {"the message used special category data (such as health or beliefs)", "the message used no special category data"},
	"member":            {"the complainant is a member of the party", "the complainant is not a member of the party"},
	"work_address":      {"it was sent to a work address", "it was not sent to a work address"},
}

// consentWords is what each consent answer means.
var consentWords = map[string]string{
	"yes":    "the complainant had given permission",
	"no":     "the complainant had not given permission",
	"unsure": "the complainant was not sure whether they had given permission",
}

var (
	// factRE finds "field = value" where value is a boolean, a number or
	// a consent answer, and keeps what follows (", the text says …").
	factRE    = regexp.MustCompile(`(?i)\b(consent|opted_out|tps_registered|sender_identified|opt_out_offered|special_category|member|work_address|recipients_visible|breach_where) = ([a-z_]+|[0-9]+)`)
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
	// quotedRE finds the complaint's own words, which the engine quotes
	// with strconv.Quote.
	quotedRE = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
)

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
		field, val := strings.ToLower(sub[1]), strings.ToLower(sub[2])
		switch field {
		case "consent":
			if w, ok := consentWords[val]; ok {
				return w
			}
		case "recipients_visible":
			if val == "1" {
				return "1 recipient's address was visible to the others"
			}
			return val + " recipients' addresses were visible to each other"
		case "breach_where":
			if t, ok := vocab.BreachPlaceByCode(val); ok {
				return "the data was exposed through: " + strings.ToLower(t.Label.EN)
			}
			return "the data was exposed through: " + strings.ReplaceAll(val, "_", " ")
		default:
			if w, ok := factWords[field]; ok {
				switch val {
				case "true":
					return w[0]
				case "false":
					return w[1]
				}
			}
		}
		return m
	})
	line = exposedRE.ReplaceAllStringFunc(line, func(m string) string {
		list := exposedRE.FindStringSubmatch(m)[1]
		var words []string
		for _, c := range strings.Split(list, ",") {
			c = strings.TrimSpace(c)
			if t, ok := vocab.ExposedDataByCode(c); ok {
				words = append(words, strings.ToLower(t.Label.EN))
			} else if c != "" {
				words = append(words, strings.ReplaceAll(c, "_", " "))
			}
		}
		return "the data exposed included " + strings.Join(words, ", ")
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

// channelWord is a channel code's label in lower case, for the middle of
// a sentence.
func channelWord(code string) string {
	if vocab.IsChannel(code) {
		return strings.ToLower(vocab.ChannelLabel(code))
	}
	return strings.ReplaceAll(code, "_", " ")
}
