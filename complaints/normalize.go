package complaints

import (
	"bytes"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/unicode/norm"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

// MaxTargetingReason bounds the advert targeting answer.
const MaxTargetingReason = 2000

// Normalize trims, applies Unicode NFC, strips control characters
// (keeping \n and \t in long text), and applies which questions the
// channel asks (questions.go): an answer about how another channel works
// (a TPS registration on an email) is removed, and Validate refuses it.
func (s *Submission) Normalize() {
	s.Channel = strings.ToLower(cleanLine(s.Channel))
	if s.Channel == "" {
		s.Channel = vocab.ChannelOther
	}
	s.PartyText = cleanLine(s.PartyText)
	s.Sender = cleanLine(s.Sender)
	s.Message = cleanText(s.Message)
	s.Description = cleanText(s.Description)
	s.TargetingReason = cleanText(s.TargetingReason)
	s.Consent = strings.ToLower(cleanLine(s.Consent))
	if s.Consent == "" {
		s.Consent = ConsentUnsure
	}
	s.Lang = strings.ToLower(cleanLine(s.Lang))
	if s.Lang != "cy" {
		s.Lang = "en"
	}
	s.Source = cleanLine(s.Source)
	s.SourceID = cleanLine(s.SourceID)
	s.Contacted = cleanLine(s.Contacted)
	if s.AskedToStopOn != nil {
		// Only the day counts: midnight of it, UK time.
		y, m, d := s.AskedToStopOn.In(vocab.London).Date()
		day := time.Date(y, m, d, 0, 0, 0, 0, vocab.London)
		s.AskedToStopOn = &day
	}
	s.BreachWhere = strings.ToLower(cleanLine(s.BreachWhere))
	s.BreachExposed = cleanCodes(s.BreachExposed)
	if c := s.Complainant; c != nil {
		c.Name = cleanLine(c.Name)
		c.Email = cleanLine(c.Email)
		c.Phone = cleanLine(c.Phone)
		c.Postcode = normalizePostcode(cleanLine(c.Postcode))
		if c.Name == "" && c.Email == "" && c.Phone == "" && c.Postcode == "" && !c.MayContact {
			s.Complainant = nil
		}
	}
	for i := range s.Evidence {
		s.Evidence[i].Filename = cleanFilename(s.Evidence[i].Filename)
	}
	s.applyQuestions()
}

// cleanCodes cleans a list of codes, dropping empty and repeated ones
// and keeping the order given; nil when none is left.
func cleanCodes(v []string) []string {
	var out []string
	for _, c := range v {
		c = strings.ToLower(cleanLine(c))
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// cleanLine is for one-line answers: every control character goes,
// newlines included, and runs of spaces become one.
func cleanLine(v string) string {
	v = clean(v, false)
	return strings.Join(strings.Fields(v), " ")
}

// cleanText is for long answers, where line breaks and tabs carry meaning.
func cleanText(v string) string {
	v = strings.ReplaceAll(v, "\r\n", "\n")
	v = strings.ReplaceAll(v, "\r", "\n")
	return strings.TrimSpace(clean(v, true))
}

func clean(v string, keepLines bool) string {
	if !utf8.ValidString(v) {
		v = strings.ToValidUTF8(v, "\uFFFD")
	}
	v = norm.NFC.String(v)
	return strings.Map(func(r rune) rune {
		switch {
		case keepLines && (r == '\n' || r == '\t'):
			return r
		case !keepLines && (r == '\n' || r == '\t'):
			return ' '
		case unicode.IsControl(r), isBidiControl(r), r == '\uFEFF':
			return -1
		}
		return r
	}, strings.TrimSpace(v))
}

// isBidiControl reports the direction overrides that can make text show
// differently from what it is (e.g. a reversed file extension).
func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069') || r == '\u200E' || r == '\u200F'
}

var postcodeRE = regexp.MustCompile(`^(GIR 0AA|[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2})$`)

func normalizePostcode(p string) string {
	p = strings.ToUpper(strings.ReplaceAll(p, " ", ""))
	if len(p) >= 5 && len(p) <= 7 {
		return p[:len(p)-3] + " " + p[len(p)-3:]
	}
	return p
}

func fieldErr(field, code, format string, args ...any) apperr.FieldError {
	return apperr.FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Validate returns apperr Invalid with one FieldError per bad field; field
// names are the JSON names. It expects a normalised submission.
func (s *Submission) Validate(now time.Time) error {
	var errs []apperr.FieldError
	add := func(fe apperr.FieldError) { errs = append(errs, fe) }
	runes := utf8.RuneCountInString

	if !vocab.IsChannel(s.Channel) {
		add(fieldErr("channel", "invalid", "Select how the message reached you: %s", strings.Join(vocab.ChannelCodes(), ", ")))
	}
	if runes(s.PartyText) > MaxShortText {
		add(fieldErr("party", "too_long", "Party or candidate must be %d characters or fewer", MaxShortText))
	}
	switch {
	case s.ReceivedAt.IsZero():
		add(fieldErr("received_at", "required", "Enter the date the message arrived, for example 27 3 2024"))
	case s.ReceivedAt.Year() < 2000:
		add(fieldErr("received_at", "too_old", "The date the message arrived must be in the year 2000 or later"))
	case s.isFuture(now):
		add(fieldErr("received_at", "future", "The date the message arrived must be today or in the past"))
	}
	if runes(s.Sender) > MaxShortText {
		add(fieldErr("sender", "too_long", "Who sent it must be %d characters or fewer", MaxShortText))
	}
	if runes(s.Message) > MaxLongText {
		add(fieldErr("message", "too_long", "The message must be %d characters or fewer; attach the rest as a file", MaxLongText))
	}
	switch {
	case runes(s.Description) > MaxLongText:
		add(fieldErr("description", "too_long", "What happened must be %d characters or fewer", MaxLongText))
	case s.Description == "" && s.Message == "" && s.Sender == "":
		add(fieldErr("description", "required", "Tell us what happened, or paste the message you received"))
	}
	if runes(s.TargetingReason) > MaxTargetingReason {
		add(fieldErr("targeting_reason", "too_long", "Why you think you were targeted must be %d characters or fewer", MaxTargetingReason))
	}
	switch s.Consent {
	case ConsentYes, ConsentNo, ConsentUnsure:
	default:
		add(fieldErr("consent", "invalid", "Say whether you had given them permission: yes, no or unsure"))
	}
	if v := s.RecipientsVisible; v != nil && (*v < 0 || *v > 1_000_000) {
		add(fieldErr("recipients_visible", "invalid", "Enter how many other addresses you could see, as a whole number from 0 to 1,000,000"))
	}
	s.validateFacts(now, add)
	if c := s.Complainant; c != nil {
		if runes(c.Name) > MaxShortText {
			add(fieldErr("complainant.name", "too_long", "Your name must be %d characters or fewer", MaxShortText))
		}
		if c.Email != "" && !validEmail(c.Email) {
			add(fieldErr("complainant.email", "invalid", "Enter an email address in the correct format, like name@example.com"))
		}
		if c.Phone != "" && !validPhone(c.Phone) {
			add(fieldErr("complainant.phone", "invalid", "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"))
		}
		if c.Postcode != "" && !postcodeRE.MatchString(c.Postcode) {
			add(fieldErr("complainant.postcode", "invalid", "Enter a real UK postcode, like SW1A 1AA"))
		}
		if c.MayContact && c.Email == "" && c.Phone == "" {
			add(fieldErr("complainant.email", "required", "Enter an email address or phone number so we can contact you"))
		}
	}
	if len(s.Evidence) > MaxEvidenceFiles {
		add(fieldErr("evidence", "too_many", "Attach %d files or fewer", MaxEvidenceFiles))
	} else {
		for i, e := range s.Evidence {
			switch {
			case len(e.Data) == 0:
				add(fieldErr("evidence", "empty", "The file %s is empty; choose another", e.Filename))
			case len(e.Data) > MaxEvidenceBytes:
				add(fieldErr("evidence", "too_large", "The file %s must be smaller than 10 MB", e.Filename))
			default:
				name, ct, err := CheckEvidence(e.Filename, bytes.NewReader(e.Data))
				if err != nil {
					errs = append(errs, apperr.FieldsOf(err)...)
					continue
				}
				s.Evidence[i].Filename, s.Evidence[i].ContentType = name, ct
			}
		}
	}
	for _, q := range s.notAsked {
		add(fieldErr(q, "not_asked", "%s", notAskedMessage(q, s.Channel)))
	}
	if s.Source == "" {
		add(fieldErr("source", "required", "Say where the complaint came from"))
	}
	if runes(s.SourceID) > MaxShortText {
		add(fieldErr("source_id", "too_long", "The source's id must be %d characters or fewer", MaxShortText))
	}
	if len(errs) > 0 {
		return apperr.Fields(errs...)
	}
	return nil
}

// validateFacts checks policy 2's structured facts (each optional).
func (s *Submission) validateFacts(now time.Time, add func(apperr.FieldError)) {
	if c := s.Contacted; c != "" {
		ok := validPhone(c)
		if strings.Contains(c, "@") {
			ok = validEmail(c)
		}
		if !ok {
			add(fieldErr("contacted", "invalid", "Enter the phone number or email address they contacted, like 07700 900 982 or name@example.com"))
		}
	}
	if d := s.AskedToStopOn; d != nil {
		switch {
		case d.Year() < 2000:
			add(fieldErr("asked_to_stop_on", "too_old", "The day you asked them to stop must be in the year 2000 or later"))
		case afterToday(*d, now):
			add(fieldErr("asked_to_stop_on", "future", "The day you asked them to stop must be today or in the past"))
		case s.OptedOut != nil && !*s.OptedOut:
			// Each answer beats what triage reads from the text, so two
			// answers that disagree cannot both be kept.
			add(fieldErr("asked_to_stop_on", "conflict", "You said you had not asked them to stop: leave out the day you asked them to stop, or change that answer"))
		}
	}
	if s.BreachWhere != "" {
		if _, ok := vocab.BreachPlaceByCode(s.BreachWhere); !ok {
			add(fieldErr("breach_where", "invalid", "Say where your details were shared or leaked: %s", strings.Join(vocab.BreachPlaceCodes(), ", ")))
		}
	}
	var unknown []string
	for _, c := range s.BreachExposed {
		if _, ok := vocab.ExposedDataByCode(c); !ok {
			unknown = append(unknown, strconv.Quote(c))
		}
	}
	if len(unknown) > 0 {
		add(fieldErr("breach_exposed", "invalid", "%s is not something the leak could show; choose from %s",
			strings.Join(unknown, ", "), strings.Join(vocab.ExposedDataCodes(), ", ")))
	}
}

// afterToday reports a day later than today in London.
func afterToday(t, now time.Time) bool {
	y, m, d := t.In(vocab.London).Date()
	ny, nm, nd := now.In(vocab.London).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).After(time.Date(ny, nm, nd, 0, 0, 0, 0, time.UTC))
}

// isFuture allows a few minutes of clock difference for times, and the
// whole of today (in London) for dates.
func (s *Submission) isFuture(now time.Time) bool {
	if s.ReceivedAtHasTime {
		return s.ReceivedAt.After(now.Add(5 * time.Minute))
	}
	return afterToday(s.ReceivedAt, now)
}

func validEmail(v string) bool {
	if len(v) > 254 {
		return false
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(v, '@')
	return at > 0 && strings.Contains(v[at+1:], ".") && !strings.HasSuffix(v, ".")
}

func validPhone(v string) bool {
	if len(v) > 30 {
		return false
	}
	n, err := phonenumbers.Parse(v, "GB")
	// "Possible" rather than "valid": the drama and test ranges people use
	// in examples are not assigned, yet are real-looking numbers.
	return err == nil && phonenumbers.IsPossibleNumber(n)
}

// ParseReceivedAt reads an RFC 3339 time or a YYYY-MM-DD date (in London),
// reporting whether a time of day was given.
func ParseReceivedAt(v string) (t time.Time, hasTime bool, ok bool) {
	v = strings.TrimSpace(v)
	if d, err := time.ParseInLocation("2006-01-02", v, vocab.London); err == nil {
		return d, false, true
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, true, true
	}
	return time.Time{}, false, false
}

// ParseDay reads a YYYY-MM-DD day (asked_to_stop_on) as midnight in
// London.
func ParseDay(v string) (time.Time, bool) {
	d, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(v), vocab.London)
	return d, err == nil
}

// parseLooseDate accepts the UK day-first dates spreadsheets produce.
func parseLooseDate(v string) (time.Time, bool, bool) {
	for _, layout := range []string{"2/1/2006", "02/01/2006", "2/1/2006 15:04", "02/01/2006 15:04", "2006-01-02 15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, vocab.London); err == nil {
			return t, strings.Contains(layout, "15"), true
		}
	}
	return time.Time{}, false, false
}
