package complaintform

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/web/internal/i18n"
)

// readStep copies the posted answers of step into the draft.
func readStep(step string, d *complaintDraft, r *http.Request) {
	v := func(name string) string { return formValue(r, name) }
	switch step {
	case stepChannel:
		d.Channel = v("channel")
	case stepSender:
		d.Sender, d.Day, d.Month, d.Year, d.Time = v("sender"), v("received_day"), v("received_month"), v("received_year"), v("received_time")
	case stepMessage:
		d.Message, d.Description = v("message"), v("description")
		if d.countOnMessagePage() {
			d.RecipientsVisible = v("recipients_visible")
		}
		if d.asks("targeting_reason") {
			d.TargetingReason = v("targeting_reason")
		}
		if d.specialOnMessagePage() {
			d.SpecialCategory = v("special_category")
		}
	case stepBreachWhere:
		d.BreachWhere = v("breach_where")
	case stepBreachCount:
		d.RecipientsVisible = v("recipients_visible")
	case stepBreachExposed:
		d.BreachExposed = nil
		for _, code := range r.PostForm["breach_exposed"] {
			if code = strings.TrimSpace(code); code != "" && !slices.Contains(d.BreachExposed, code) {
				d.BreachExposed = append(d.BreachExposed, code)
			}
		}
	case stepContacted:
		if d.asks("contacted") {
			d.Contacted = v("contacted")
		}
		if d.asks("work_address") {
			d.WorkAddress = v("work_address")
		}
	case stepStopped:
		d.StopDay, d.StopMonth, d.StopYear = v("stopped_day"), v("stopped_month"), v("stopped_year")
	case stepPermission:
		d.Consent, d.OptedOut = v("consent"), v("opted_out")
		if d.asks("member") {
			d.Member = v("member")
		}
		if d.asks("tps_registered") {
			d.TPSRegistered = v("tps_registered")
		}
		if d.asks("sender_identified") {
			d.SenderIdentified = v("sender_identified")
		}
		if d.asks("opt_out_offered") {
			d.OptOutOffered = v("opt_out_offered")
		}
	case stepParty:
		d.Party, d.PartyText = v("party"), v("party_text")
		if d.Party != partyOther {
			d.PartyText = ""
		}
	case stepAbout:
		d.Name, d.Email, d.Phone, d.Postcode, d.MayContact = v("name"), v("email"), v("phone"), v("postcode"), v("may_contact")
	}
}

// formValue is a posted value with control characters removed (newlines
// and tabs kept) and surrounding space trimmed; complaints.Normalize does
// the rest (NFC, per-field rules) when the complaint is sent.
func formValue(r *http.Request, name string) string {
	raw := r.PostFormValue(name)
	if !utf8.ValidString(raw) {
		raw = strings.ToValidUTF8(raw, "\uFFFD")
	}
	return strings.TrimSpace(strings.Map(func(c rune) rune {
		if c == '\n' || c == '\t' {
			return c
		}
		if c < 0x20 || (c >= 0x7f && c < 0xa0) {
			return -1
		}
		return c
	}, strings.ReplaceAll(raw, "\r\n", "\n")))
}

// Fields on each step, as element ids; a FieldError from Validate is shown
// on the step holding its field. Two fields move with the channel (see
// stepOfFieldFor).
var stepOfField = map[string]string{
	"channel": stepChannel, "sender": stepSender, "received_at": stepSender, "received_time": stepSender,
	"message": stepMessage, "description": stepMessage, "recipients_visible": stepMessage,
	"targeting_reason": stepMessage, "special_category": stepMessage,
	"breach_where": stepBreachWhere, "breach_exposed": stepBreachExposed,
	"contacted": stepContacted, "work_address": stepContacted,
	"consent": stepPermission, "opted_out": stepPermission, "tps_registered": stepPermission,
	"sender_identified": stepPermission, "opt_out_offered": stepPermission, "member": stepPermission,
	stopField: stepStopped, stopField + "-month": stepStopped, stopField + "-year": stepStopped,
	"party": stepParty, "party_text": stepParty, "evidence": stepEvidence,
	"name": stepAbout, "email": stepAbout, "phone": stepAbout, "postcode": stepAbout, "may_contact": stepAbout,
}

// stopField is the element id of the date they asked the sender to stop
// (its day input; the month and year are stopField-month, -year).
const stopField = "asked_to_stop_on"

// stepOfFieldFor is the step where d answers field, or "": a breach's
// count has a page of its own, a BCC email's is on the message page.
func (d *complaintDraft) stepOfFieldFor(field string) string {
	if field == "recipients_visible" && d.asksStep(stepBreachCount) {
		return stepBreachCount
	}
	return stepOfField[field]
}

// countOnMessagePage: a BCC email's count is asked beside the email; a
// breach's has its own page.
func (d *complaintDraft) countOnMessagePage() bool {
	return d.asks("recipients_visible") && !d.asksStep(stepBreachCount)
}

// specialOnMessagePage: the sensitive-details question is asked on the
// message page, except of a breach, whose "what did it show" page offers
// the same as one of its answers.
func (d *complaintDraft) specialOnMessagePage() bool {
	return d.asks("special_category") && !d.asks("breach_exposed")
}

func firstField(step string) string {
	switch step {
	case stepSender:
		return "sender"
	case stepMessage:
		return "message"
	case stepAbout:
		return "name"
	}
	return step
}

// elementID maps a Validate field name (the API's JSON names) to the
// form's element id.
func elementID(field string) string {
	field = strings.TrimPrefix(field, "complainant.")
	if field == "party" {
		return "party"
	}
	return field
}

// fieldMessage is the error text for field and code in lang: the
// catalogue's "err.<field>.<code>", else its "err.<code>", else (English
// pages only) the validator's own sentence.
func fieldMessage(lang, field, code, fallback string) string {
	for _, k := range []string{"err." + field + "." + code, "err." + code} {
		if hasMessage(k) {
			return translate(lang, k)
		}
	}
	if lang == i18n.English && fallback != "" {
		return fallback
	}
	return translate(lang, "err.generic")
}

// validateStep checks the step's own rules (those the form adds: the
// channel and permission must be chosen, the date must be a real date) and
// then the domain's Validate on the answers so far, keeping only the errors
// of fields on this step, so the form and the API can never disagree.
func validateStep(lang, step string, d *complaintDraft, now time.Time) []apperr.FieldError {
	var errs []apperr.FieldError
	seen := map[string]bool{}
	add := func(field, code, fallback string) {
		if seen[field] {
			return
		}
		seen[field] = true
		// The month and year of a date are linked to by their own ids but
		// worded as the date's.
		base, wording := strings.TrimSuffix(strings.TrimSuffix(field, "-month"), "-year"), code
		if step == stepBreachCount && hasMessage("err."+field+".breach_"+code) {
			wording = "breach_" + code // people's details, not email addresses
		}
		errs = append(errs, apperr.FieldError{Field: field, Code: code, Message: fieldMessage(lang, base, wording, fallback)})
	}
	validRadio := func(field, v string, allowed ...string) {
		for _, a := range allowed {
			if v == a {
				return
			}
		}
		if v == "" {
			add(field, "required", "")
		} else {
			add(field, "invalid", "")
		}
	}
	switch step {
	case stepChannel:
		validRadio("channel", d.Channel, vocab.ChannelCodes()...)
	case stepSender:
		if _, _, code := d.receivedAt(); code != "" {
			field := "received_at"
			if code == "time_invalid" {
				field, code = "received_time", "invalid"
			}
			add(field, code, "")
		}
	case stepMessage:
		if d.countOnMessagePage() && d.RecipientsVisible != "" {
			if _, ok := parseCount(d.RecipientsVisible); !ok {
				add("recipients_visible", "invalid", "")
			}
		}
		if d.specialOnMessagePage() && d.SpecialCategory != "" {
			validRadio("special_category", d.SpecialCategory, "yes", "no", "unsure")
		}
	case stepBreachWhere:
		validRadio("breach_where", d.BreachWhere, vocab.BreachPlaceCodes()...)
	case stepBreachCount:
		if d.RecipientsVisible != "" {
			if _, ok := parseCount(d.RecipientsVisible); !ok {
				add("recipients_visible", "invalid", "")
			}
		}
	case stepBreachExposed:
		for _, code := range d.BreachExposed {
			if !slices.Contains(vocab.ExposedDataCodes(), code) {
				add("breach_exposed", "invalid", "")
			}
		}
	case stepContacted:
		if utf8.RuneCountInString(d.Contacted) > complaints.MaxShortText {
			add("contacted", "too_long", "")
		}
		if d.asks("work_address") && d.WorkAddress != "" {
			validRadio("work_address", d.WorkAddress, "yes", "no", "unsure")
		}
	case stepStopped:
		t, field, code := d.stoppedOn()
		today := now.In(vocab.London)
		if code == "" && t.After(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, vocab.London)) {
			field, code = stopField, "future"
		}
		if code != "" {
			add(field, code, "")
		}
	case stepPermission:
		validRadio("consent", d.Consent, "yes", "no", "unsure")
		for _, q := range []struct{ field, v string }{{"opted_out", d.OptedOut}, {"tps_registered", d.TPSRegistered},
			{"sender_identified", d.SenderIdentified}, {"opt_out_offered", d.OptOutOffered}, {"member", d.Member}} {
			if d.asks(q.field) && q.v != "" {
				validRadio(q.field, q.v, "yes", "no", "unsure")
			}
		}
	case stepParty:
		if d.Party == "" {
			add("party", "required", "")
		} else if d.Party != partyOther {
			if _, err := strconv.ParseInt(d.Party, 10, 64); err != nil {
				add("party", "invalid", "")
			}
		}
	case stepAbout:
		if d.MayContact != "" && d.MayContact != "yes" && d.MayContact != "no" {
			add("may_contact", "invalid", "")
		}
	}
	sub := d.submission(lang)
	sub.Normalize()
	if err := sub.Validate(now); err != nil {
		for _, fe := range apperr.FieldsOf(err) {
			id := elementID(fe.Field)
			if id == "party" && fe.Code == "too_long" {
				id = "party_text" // the registry choice cannot be too long; the free text can
			}
			if id == stopField && (seen[stopField+"-month"] || seen[stopField+"-year"]) {
				continue // the date's own check has said what is wrong
			}
			// "Tell us what happened" is asked on the message page; the
			// rule also looks at the sender, so it waits until that page.
			if d.stepOfFieldFor(id) == step {
				add(id, fe.Code, fe.Message)
			}
		}
	}
	return errs
}

// receivedAt parses the date (and optional time) as typed, in London time.
// code is "" when valid, else required, invalid or time_invalid.
func (d *complaintDraft) receivedAt() (t time.Time, hasTime bool, code string) {
	if d.Day == "" && d.Month == "" && d.Year == "" {
		return time.Time{}, false, "required"
	}
	day, err1 := strconv.Atoi(d.Day)
	month, err2 := strconv.Atoi(d.Month)
	year, err3 := strconv.Atoi(d.Year)
	if err1 != nil || err2 != nil || err3 != nil || year < 1000 || month < 1 || month > 12 || day < 1 || day > 31 {
		return time.Time{}, false, "invalid"
	}
	t = time.Date(year, time.Month(month), day, 0, 0, 0, 0, vocab.London)
	if t.Day() != day {
		return time.Time{}, false, "invalid" // 31 February
	}
	if d.Time == "" {
		return t, false, ""
	}
	hh, mm, ok := parseClock(d.Time)
	if !ok {
		return t, false, "time_invalid"
	}
	return time.Date(year, time.Month(month), day, hh, mm, 0, 0, vocab.London), true, ""
}

// parseCount reads a whole number of people as typed: "25", "2,000".
func parseCount(v string) (int, bool) {
	n, err := strconv.Atoi(strings.ReplaceAll(strings.ReplaceAll(v, ",", ""), " ", ""))
	return n, err == nil && n >= 0
}

// stoppedOn parses the day they asked the sender to stop (optional), the
// GOV.UK way: a date left blank is no answer; a part missing, a year not
// of four digits or a date that does not exist is an error naming what is
// wrong (validateStep adds "not in the future"). field is the element id
// of the first input in error, for the error summary's link; code is ""
// when the answer is fine (t is then zero when no date was given).
func (d *complaintDraft) stoppedOn() (t time.Time, field, code string) {
	parts := []struct{ v, name, id string }{
		{d.StopDay, "day", stopField}, {d.StopMonth, "month", stopField + "-month"}, {d.StopYear, "year", stopField + "-year"},
	}
	var missing []string
	for _, p := range parts {
		if p.v == "" {
			if field == "" {
				field = p.id
			}
			missing = append(missing, p.name)
		}
	}
	switch len(missing) {
	case 3:
		return time.Time{}, "", ""
	case 1, 2:
		return time.Time{}, field, "missing_" + strings.Join(missing, "_")
	}
	day, err1 := strconv.Atoi(d.StopDay)
	month, err2 := strconv.Atoi(d.StopMonth)
	year, err3 := strconv.Atoi(d.StopYear)
	if err3 == nil && len(d.StopYear) != 4 {
		return time.Time{}, stopField + "-year", "year_digits"
	}
	if err1 != nil || err2 != nil || err3 != nil || month < 1 || month > 12 || day < 1 || day > 31 {
		return time.Time{}, stopField, "invalid"
	}
	t = time.Date(year, time.Month(month), day, 0, 0, 0, 0, vocab.London)
	switch {
	case t.Day() != day:
		return time.Time{}, stopField, "invalid" // 31 February
	case year < 2000:
		return time.Time{}, stopField, "too_old"
	}
	return t, "", ""
}

// parseClock reads 14:30, 14.30, 2:30pm or 2pm.
func parseClock(v string) (h, m int, ok bool) {
	v = strings.ToLower(strings.ReplaceAll(v, " ", ""))
	pm, am := strings.HasSuffix(v, "pm"), strings.HasSuffix(v, "am")
	v = strings.TrimSuffix(strings.TrimSuffix(v, "pm"), "am")
	hs, ms, found := strings.Cut(strings.ReplaceAll(v, ".", ":"), ":")
	if !found {
		ms = "0"
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || m < 0 || m > 59 || h < 0 || h > 23 || len(ms) > 2 {
		return 0, 0, false
	}
	if pm || am {
		if h < 1 || h > 12 {
			return 0, 0, false
		}
		if pm && h != 12 {
			h += 12
		}
		if am && h == 12 {
			h = 0
		}
	}
	return h, m, true
}

func triState(v string) *bool {
	switch v {
	case "yes":
		t := true
		return &t
	case "no":
		f := false
		return &f
	}
	return nil
}

// submission turns the draft into what complaints.Service.Submit takes.
// Answers to questions the channel does not ask are left out.
func (d *complaintDraft) submission(lang string) complaints.Submission {
	sub := complaints.Submission{
		Channel: d.Channel, Sender: d.Sender, Message: d.Message, Description: d.Description,
		Consent: d.Consent, Lang: lang, Source: "web",
	}
	if sub.Consent == "" {
		sub.Consent = complaints.ConsentUnsure
	}
	if t, hasTime, code := d.receivedAt(); code == "" || code == "time_invalid" {
		sub.ReceivedAt, sub.ReceivedAtHasTime = t, hasTime
	}
	if d.asks("opted_out") {
		sub.OptedOut = triState(d.OptedOut)
	}
	if d.asks("tps_registered") {
		sub.TPSRegistered = triState(d.TPSRegistered)
	}
	if d.asks("sender_identified") {
		sub.SenderIdentified = triState(d.SenderIdentified)
	}
	if d.asks("opt_out_offered") {
		sub.OptOutOffered = triState(d.OptOutOffered)
	}
	if d.specialOnMessagePage() {
		// A breach answers it with its exposed-data checkboxes instead.
		sub.SpecialCategory = triState(d.SpecialCategory)
	}
	if d.asks("targeting_reason") {
		sub.TargetingReason = d.TargetingReason
	}
	if d.asks("recipients_visible") && d.RecipientsVisible != "" {
		if n, ok := parseCount(d.RecipientsVisible); ok {
			sub.RecipientsVisible = &n
		}
	}
	if d.asks("contacted") {
		sub.Contacted = d.Contacted
	}
	if d.asks("member") {
		sub.Member = triState(d.Member)
	}
	if d.asks("work_address") {
		sub.WorkAddress = triState(d.WorkAddress)
	}
	if d.asksStep(stepStopped) {
		if t, _, code := d.stoppedOn(); code == "" && !t.IsZero() {
			sub.AskedToStopOn = &t
		}
	}
	if d.asks("breach_where") {
		sub.BreachWhere = d.BreachWhere
	}
	if d.asks("breach_exposed") && len(d.BreachExposed) > 0 {
		sub.BreachExposed = slices.Clone(d.BreachExposed)
	}
	if d.Party == partyOther {
		sub.PartyText = d.PartyText
	} else if id, err := strconv.ParseInt(d.Party, 10, 64); err == nil {
		sub.PartyID = &id
	}
	if d.Name != "" || d.Email != "" || d.Phone != "" || d.Postcode != "" || d.MayContact == "yes" {
		sub.Complainant = &complaints.Complainant{Name: d.Name, Email: d.Email, Phone: d.Phone,
			Postcode: d.Postcode, MayContact: d.MayContact == "yes"}
	}
	return sub
}
