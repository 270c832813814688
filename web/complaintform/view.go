package complaintform

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// formField is everything a template needs to draw one question, with its
// wording already in the page's language.
type formField struct {
	Kind         string // radios, checkboxes, input, textarea, date
	ID, Name     string
	Label, Hint  string
	Error        string
	Value        string
	Heading      bool // the label or legend is the page's h1
	Width        string
	Type         string
	InputMode    string
	Autocomplete string
	Rows         int
	Options      []fieldOption
	// Checkboxes: the values ticked.
	Values []string
	// Date inputs: Name is the prefix of the three inputs' names
	// (<Name>_day, _month, _year); the *Err flags mark the parts in error
	// (all three when none is marked but Error is set).
	Day, Month, Year          string
	DayL, MonthL, YearL       string
	DayErr, MonthErr, YearErr bool
	Other                     *formField // free text shown with the "other" option
	SpellcheckOff, Inline     bool
	DescribedBy               string
	ErrorPrefix, Optional     string
}

type fieldOption struct {
	ID, Value, Label, Hint string
	Checked                bool
	Divider                string
}

func (f *formField) finish(lang string) *formField {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.ID+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.ID+"-error")
	}
	f.DescribedBy = strings.Join(ids, " ")
	f.ErrorPrefix = translate(lang, "form.error_prefix")
	for i := range f.Options {
		if f.Options[i].ID == "" {
			if i == 0 {
				f.Options[i].ID = f.ID
			} else {
				f.Options[i].ID = f.ID + "-" + strconv.Itoa(i+1)
			}
		}
		f.Options[i].Checked = f.Options[i].Value == f.Value || slices.Contains(f.Values, f.Options[i].Value)
	}
	if f.Kind == "date" && f.Error != "" && !f.DayErr && !f.MonthErr && !f.YearErr {
		f.DayErr, f.MonthErr, f.YearErr = true, true, true
	}
	if f.Other != nil {
		f.Other.finish(lang)
	}
	return f
}

// complaintView is the data of every complaint page.
type complaintView struct {
	Step      string
	Action    string
	Back      string
	Change    bool
	Heading   string
	Caption   string
	Intro     []string
	Fields    []*formField
	Button    string
	Honeypot  string
	Multipart bool

	// Evidence page.
	Files     []complaints.DraftFile
	CanAdd    bool
	FileField *formField
	// Check answers.
	Sections []checkSection
	// Confirmation and problem pages.
	Reference string
	// Referral, on the confirmation page, is who can help when what was
	// reported is for another body; nil otherwise.
	Referral *referralView
	// Contact, on the confirmation page, is the regulator's particulars
	// in force: how to contact it about the report.
	Contact  *organisation.Settings
	Status   int
	Retry    int
	RetryURL string
	// Problem names which 503 page this is when it is not an outage:
	// problemUploadsBusy or problemStoreFull.
	Problem string
}

type checkSection struct {
	Title string
	Rows  []checkRow
}

type checkRow struct {
	Key, Value, Change, ChangeHidden string
	Lines                            []string
}

func (f *form) complaintPage(w http.ResponseWriter, r *http.Request, status int, name string, lang string, errs []apperr.FieldError, v *complaintView) {
	v.Honeypot = honeypotField
	f.host.Render(w, r, status, name, f.pages[name], lang, errs, v)
}

// channelKind groups channels that share wording: texts, calls, emails
// and adverts are asked about in their own words.
func channelKind(c string) string {
	switch c {
	case vocab.ChannelSMS:
		return "sms"
	case vocab.ChannelAutomatedCall, vocab.ChannelLiveCall:
		return "call"
	case vocab.ChannelEmail, vocab.ChannelBCCBreach:
		return "email"
	case vocab.ChannelSocialMediaAd:
		return "ad"
	case vocab.ChannelDataBreach:
		return "breach"
	}
	return "other"
}

// contactKind is how the sender reached the number or address they
// contacted: a phone (texts and calls) or an email.
func contactKind(c string) string {
	if c == vocab.ChannelEmail || c == vocab.ChannelBCCBreach {
		return "email"
	}
	return "phone"
}

// channelOrder is the order the form offers the channels in.
var channelOrder = []string{
	vocab.ChannelSMS, vocab.ChannelAutomatedCall, vocab.ChannelLiveCall, vocab.ChannelEmail,
	vocab.ChannelBCCBreach, vocab.ChannelDataBreach, vocab.ChannelSocialMediaAd, vocab.ChannelOther,
}

// termOptions offers vocabulary terms (their codes as values, their
// labels in lang).
func termOptions(lang string, terms []vocab.Term) []fieldOption {
	out := make([]fieldOption, 0, len(terms))
	for _, t := range terms {
		out = append(out, fieldOption{Value: t.Code, Label: t.Label.In(lang)})
	}
	return out
}

func yesNoUnsure(lang string) []fieldOption {
	return []fieldOption{
		{Value: "yes", Label: translate(lang, "answer.yes")},
		{Value: "no", Label: translate(lang, "answer.no")},
		{Value: "unsure", Label: translate(lang, "answer.unsure")},
	}
}

// buildStepView lays out one question page in lang with the draft's
// answers and the errors found.
func buildStepView(lang, step string, d *complaintDraft, errs []apperr.FieldError, parties []parties.NameRef) *complaintView {
	errFor := map[string]string{}
	for _, e := range errs {
		errFor[e.Field] = e.Message
	}
	kind := channelKind(d.Channel)
	v := &complaintView{Step: step, Button: translate(lang, "form.continue")}
	add := func(f *formField) {
		if f.Error == "" {
			f.Error = errFor[f.ID]
		}
		v.Fields = append(v.Fields, f.finish(lang))
	}
	radios := func(id, labelKey, hintKey, value string) *formField {
		f := &formField{Kind: "radios", ID: id, Name: id, Label: translate(lang, labelKey), Value: value,
			Options: yesNoUnsure(lang), Inline: true}
		if hintKey != "" {
			f.Hint = translate(lang, hintKey)
		}
		return f
	}
	switch step {
	case stepChannel:
		v.Heading = translate(lang, "channel.heading")
		f := &formField{Kind: "radios", ID: "channel", Name: "channel", Label: v.Heading, Heading: true,
			Hint: translate(lang, "channel.hint"), Value: d.Channel}
		for _, c := range channelOrder {
			o := fieldOption{Value: c, Label: translate(lang, "channel."+c)}
			if c == vocab.ChannelOther {
				o.Divider = translate(lang, "form.or")
			}
			f.Options = append(f.Options, o)
		}
		add(f)
	case stepSender:
		v.Heading = translate(lang, "sender.heading."+kind)
		add(&formField{Kind: "input", ID: "sender", Name: "sender", Label: translate(lang, "sender.label."+kind),
			Hint: translate(lang, "sender.hint."+kind), Value: d.Sender, SpellcheckOff: true})
		dateErr := errFor["received_at"]
		add(&formField{Kind: "date", ID: "received_at", Name: "received", Label: translate(lang, "sender.date_label."+kind),
			Hint: translate(lang, "sender.date_hint"), Error: dateErr, Day: d.Day, Month: d.Month, Year: d.Year,
			DayL: translate(lang, "date.day"), MonthL: translate(lang, "date.month"), YearL: translate(lang, "date.year")})
		add(&formField{Kind: "input", ID: "received_time", Name: "received_time", Label: translate(lang, "sender.time_label"),
			Hint: translate(lang, "sender.time_hint"), Value: d.Time, Width: "input-width-5"})
	case stepMessage:
		v.Heading = translate(lang, "message.heading."+kind)
		add(&formField{Kind: "textarea", ID: "message", Name: "message", Label: translate(lang, "message.label."+d.Channel),
			Hint: translate(lang, "message.hint."+kind), Value: d.Message, Rows: 6})
		add(&formField{Kind: "textarea", ID: "description", Name: "description", Label: translate(lang, "message.description_label"),
			Hint: translate(lang, "message.description_hint"), Value: d.Description, Rows: 5})
		if d.countOnMessagePage() {
			add(&formField{Kind: "input", ID: "recipients_visible", Name: "recipients_visible",
				Label: translate(lang, "message.recipients_label"), Hint: translate(lang, "message.recipients_hint"),
				Value: d.RecipientsVisible, Width: "input-width-5", InputMode: "numeric", SpellcheckOff: true})
		}
		if d.asks("targeting_reason") {
			add(&formField{Kind: "textarea", ID: "targeting_reason", Name: "targeting_reason",
				Label: translate(lang, "message.targeting_label"), Hint: translate(lang, "message.targeting_hint"),
				Value: d.TargetingReason, Rows: 4})
		}
		if d.specialOnMessagePage() {
			add(radios("special_category", "message.special_label", "message.special_hint", d.SpecialCategory))
		}
	case stepBreachWhere:
		v.Heading = translate(lang, "breach.where_heading")
		add(&formField{Kind: "radios", ID: "breach_where", Name: "breach_where", Label: v.Heading, Heading: true,
			Hint: translate(lang, "breach.where_hint"), Value: d.BreachWhere, Options: termOptions(lang, vocab.BreachPlaces)})
	case stepBreachCount:
		v.Heading = translate(lang, "breach.count_heading")
		add(&formField{Kind: "input", ID: "recipients_visible", Name: "recipients_visible", Label: v.Heading, Heading: true,
			Hint: translate(lang, "breach.count_hint"), Value: d.RecipientsVisible, Width: "input-width-5",
			InputMode: "numeric", SpellcheckOff: true})
	case stepBreachExposed:
		v.Heading = translate(lang, "breach.exposed_heading")
		add(&formField{Kind: "checkboxes", ID: "breach_exposed", Name: "breach_exposed", Label: v.Heading, Heading: true,
			Hint: translate(lang, "breach.exposed_hint"), Values: d.BreachExposed, Options: termOptions(lang, vocab.ExposedData)})
	case stepContacted:
		ck := contactKind(d.Channel)
		v.Heading = translate(lang, "contacted.heading."+ck)
		v.Intro = []string{translate(lang, "contacted.why"), translate(lang, "contacted.privacy."+ck)}
		if d.asks("contacted") {
			f := &formField{Kind: "input", ID: "contacted", Name: "contacted", Label: translate(lang, "contacted.label."+kind),
				Hint: translate(lang, "contacted.hint."+ck), Value: d.Contacted, SpellcheckOff: true}
			if ck == "email" {
				f.Type, f.Autocomplete = "email", "email"
			} else {
				f.Type, f.Autocomplete, f.Width = "tel", "tel", "input-width-20"
			}
			add(f)
		}
		if d.asks("work_address") {
			add(radios("work_address", "contacted.work_label."+ck, "contacted.work_hint."+ck, d.WorkAddress))
		}
	case stepStopped:
		v.Heading = translate(lang, "stopped.heading")
		add(&formField{Kind: "date", ID: stopField, Name: "stopped", Label: v.Heading, Heading: true,
			Hint: translate(lang, "stopped.hint"), Error: firstOf(errFor, stopField, stopField+"-month", stopField+"-year"),
			DayErr: errFor[stopField] != "", MonthErr: errFor[stopField+"-month"] != "", YearErr: errFor[stopField+"-year"] != "",
			Day: d.StopDay, Month: d.StopMonth, Year: d.StopYear,
			DayL: translate(lang, "date.day"), MonthL: translate(lang, "date.month"), YearL: translate(lang, "date.year")})
	case stepPermission:
		v.Heading = translate(lang, "permission.heading")
		add(radios("consent", "permission.consent_label."+kind, "permission.consent_hint", d.Consent))
		if d.asks("member") {
			add(radios("member", "permission.member_label", "permission.member_hint", d.Member))
		}
		add(radios("opted_out", "permission.opted_out_label."+kind, "", d.OptedOut))
		if d.asks("tps_registered") {
			add(radios("tps_registered", "permission.tps_label", "permission.tps_hint", d.TPSRegistered))
		}
		if d.asks("sender_identified") {
			add(radios("sender_identified", "permission.identified_label."+kind, "", d.SenderIdentified))
		}
		if d.asks("opt_out_offered") {
			add(radios("opt_out_offered", "permission.opt_out_offered_label."+kind, "permission.opt_out_offered_hint", d.OptOutOffered))
		}
	case stepParty:
		v.Heading = translate(lang, "party.heading")
		f := &formField{Kind: "radios", ID: "party", Name: "party", Label: v.Heading, Heading: true,
			Hint: translate(lang, "party.hint"), Value: d.Party}
		for _, p := range parties {
			f.Options = append(f.Options, fieldOption{Value: strconv.FormatInt(p.ID, 10), Label: p.Name})
		}
		f.Options = append(f.Options, fieldOption{Value: partyOther, Label: translate(lang, "party.not_sure"), Divider: translate(lang, "form.or")})
		f.Other = &formField{Kind: "input", ID: "party_text", Name: "party_text", Label: translate(lang, "party.other_label"),
			Hint: translate(lang, "party.other_hint"), Value: d.PartyText, Error: errFor["party_text"]}
		add(f)
	case stepAbout:
		v.Heading = translate(lang, "about.heading")
		v.Intro = []string{translate(lang, "about.intro")}
		add(&formField{Kind: "input", ID: "name", Name: "name", Label: translate(lang, "about.name"), Value: d.Name, Autocomplete: "name", SpellcheckOff: true})
		add(&formField{Kind: "input", ID: "email", Name: "email", Label: translate(lang, "about.email"), Hint: translate(lang, "about.email_hint"),
			Value: d.Email, Type: "email", Autocomplete: "email", SpellcheckOff: true})
		add(&formField{Kind: "input", ID: "phone", Name: "phone", Label: translate(lang, "about.phone"), Value: d.Phone,
			Type: "tel", Autocomplete: "tel", Width: "input-width-20"})
		add(&formField{Kind: "input", ID: "postcode", Name: "postcode", Label: translate(lang, "about.postcode"), Value: d.Postcode,
			Autocomplete: "postal-code", Width: "input-width-10", SpellcheckOff: true})
		add(&formField{Kind: "radios", ID: "may_contact", Name: "may_contact", Label: translate(lang, "about.may_contact"),
			Hint: translate(lang, "about.may_contact_hint"), Value: d.MayContact, Inline: true,
			Options: []fieldOption{{Value: "yes", Label: translate(lang, "answer.yes")}, {Value: "no", Label: translate(lang, "answer.no")}}})
	}
	return v
}

// firstOf is the first error message found for ids.
func firstOf(errFor map[string]string, ids ...string) string {
	for _, id := range ids {
		if m := errFor[id]; m != "" {
			return m
		}
	}
	return ""
}

// checkView lays out check answers: every answer with a Change link back
// to its page, which returns here once saved.
func (f *form) checkView(ctx context.Context, lang string, d *complaintDraft) (*complaintView, error) {
	files, err := f.drafts.Files(ctx, d.fileKey())
	if err != nil {
		return nil, err
	}
	party, err := f.partyName(ctx, lang, d.Party, d.PartyText)
	if err != nil {
		return nil, err
	}
	kind := channelKind(d.Channel)
	notGiven := translate(lang, "check.not_given")
	or := func(v string) string {
		if strings.TrimSpace(v) == "" {
			return notGiven
		}
		return v
	}
	answer := func(v string) string {
		if v == "" {
			return notGiven
		}
		return translate(lang, "answer."+v)
	}
	row := func(key, value, step, hidden string) checkRow {
		r := checkRow{Key: key, Value: value, ChangeHidden: hidden}
		if step != "" {
			r.Change = stepPath(step) + "?change=1"
		}
		return r
	}
	when := notGiven
	if t, hasTime, code := d.receivedAt(); code == "" {
		when = formatDate(lang, t)
		if hasTime {
			when += ", " + t.Format("15:04")
		}
	}
	var what []checkRow
	what = append(what,
		row(translate(lang, "check.channel"), translate(lang, "channel."+d.Channel), stepChannel, translate(lang, "check.channel")),
		row(translate(lang, "sender.label."+kind), or(d.Sender), stepSender, translate(lang, "sender.label."+kind)),
		row(translate(lang, "check.when"), when, stepSender, translate(lang, "check.when")),
		row(translate(lang, "message.label."+d.Channel), or(d.Message), stepMessage, translate(lang, "message.label."+d.Channel)),
		row(translate(lang, "message.description_label"), or(d.Description), stepMessage, translate(lang, "message.description_label")),
	)
	if d.countOnMessagePage() {
		what = append(what, row(translate(lang, "message.recipients_label"), or(d.RecipientsVisible), stepMessage, translate(lang, "message.recipients_label")))
	}
	if d.asks("targeting_reason") {
		what = append(what, row(translate(lang, "message.targeting_label"), or(d.TargetingReason), stepMessage, translate(lang, "message.targeting_label")))
	}
	if d.specialOnMessagePage() {
		what = append(what, row(translate(lang, "message.special_label"), answer(d.SpecialCategory), stepMessage, translate(lang, "message.special_label")))
	}
	if d.asksStep(stepBreachWhere) {
		where := notGiven
		if t, ok := vocab.BreachPlaceByCode(d.BreachWhere); ok {
			where = t.Label.In(lang)
		}
		what = append(what, row(translate(lang, "check.breach_where"), where, stepBreachWhere, translate(lang, "check.breach_where")))
	}
	if d.asksStep(stepBreachCount) {
		what = append(what, row(translate(lang, "check.breach_count"), or(d.RecipientsVisible), stepBreachCount, translate(lang, "check.breach_count")))
	}
	if d.asksStep(stepBreachExposed) {
		exposed := row(translate(lang, "check.breach_exposed"), notGiven, stepBreachExposed, translate(lang, "check.breach_exposed"))
		for _, code := range d.BreachExposed {
			if t, ok := vocab.ExposedDataByCode(code); ok {
				exposed.Lines = append(exposed.Lines, t.Label.In(lang))
			}
		}
		what = append(what, exposed)
	}
	if d.asks("contacted") {
		what = append(what, row(translate(lang, "check.contacted."+contactKind(d.Channel)), or(d.Contacted), stepContacted, translate(lang, "check.contacted."+contactKind(d.Channel))))
	}
	if d.asks("work_address") {
		what = append(what, row(translate(lang, "check.work_address."+contactKind(d.Channel)), answer(d.WorkAddress), stepContacted, translate(lang, "check.work_address."+contactKind(d.Channel))))
	}
	if d.asks("consent") {
		what = append(what, row(translate(lang, "permission.consent_label."+kind), answer(d.Consent), stepPermission, translate(lang, "permission.consent_label."+kind)))
	}
	if d.asks("member") {
		what = append(what, row(translate(lang, "check.member"), answer(d.Member), stepPermission, translate(lang, "check.member")))
	}
	if d.asks("consent") {
		what = append(what, row(translate(lang, "permission.opted_out_label."+kind), answer(d.OptedOut), stepPermission, translate(lang, "permission.opted_out_label."+kind)))
	}
	if d.asks("tps_registered") {
		what = append(what, row(translate(lang, "permission.tps_label"), answer(d.TPSRegistered), stepPermission, translate(lang, "permission.tps_label")))
	}
	if d.asks("sender_identified") {
		what = append(what, row(translate(lang, "permission.identified_label."+kind), answer(d.SenderIdentified), stepPermission, translate(lang, "permission.identified_label."+kind)))
	}
	if d.asks("opt_out_offered") {
		what = append(what, row(translate(lang, "permission.opt_out_offered_label."+kind), answer(d.OptOutOffered), stepPermission, translate(lang, "permission.opt_out_offered_label."+kind)))
	}
	// The day they asked the sender to stop, asked on the page after.
	if d.asksStep(stepStopped) {
		stopped := notGiven
		if t, _, code := d.stoppedOn(); code == "" && !t.IsZero() {
			stopped = formatDate(lang, t)
		}
		what = append(what, row(translate(lang, "check.stopped"), stopped, stepStopped, translate(lang, "check.stopped")))
	}
	evidence := row(translate(lang, "check.files"), translate(lang, "check.no_files"), stepEvidence, translate(lang, "check.files"))
	if len(files) > 0 {
		evidence.Value = ""
		for _, f := range files {
			evidence.Lines = append(evidence.Lines, f.Filename+" ("+fmtSize(f.Size)+")")
		}
	}
	about := []checkRow{
		row(translate(lang, "about.name"), or(d.Name), stepAbout, translate(lang, "about.name")),
		row(translate(lang, "about.email"), or(d.Email), stepAbout, translate(lang, "about.email")),
		row(translate(lang, "about.phone"), or(d.Phone), stepAbout, translate(lang, "about.phone")),
		row(translate(lang, "about.postcode"), or(d.Postcode), stepAbout, translate(lang, "about.postcode")),
		row(translate(lang, "about.may_contact"), answer(d.MayContact), stepAbout, translate(lang, "about.may_contact")),
	}
	return &complaintView{
		Step: stepCheck, Action: stepPath(stepCheck), Back: stepPath(stepAbout), Files: files,
		Heading: translate(lang, "check.heading"), Button: translate(lang, "check.send"),
		Sections: []checkSection{
			{Title: translate(lang, "check.section_what"), Rows: what},
			{Title: translate(lang, "check.section_party"), Rows: []checkRow{row(translate(lang, "check.party"), or(party), stepParty, translate(lang, "check.party"))}},
			{Title: translate(lang, "check.section_evidence"), Rows: []checkRow{evidence}},
			{Title: translate(lang, "check.section_about"), Rows: about},
		},
	}, nil
}

// formatDate writes a date the way each language does: "4 July 2024",
// "4 Gorffennaf 2024".
func formatDate(lang string, t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + translate(lang, "month."+strconv.Itoa(int(t.Month()))) + " " + strconv.Itoa(t.Year())
}

func fmtSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+1023)/1024)
	}
	return fmt.Sprintf("%d B", n)
}

// complaintProblem is the "try again" page for a database outage (or any
// failure that is not the person's fault). Their answers are still in
// their cookie, so the page sends them back to the step they were on.
func (f *form) complaintProblem(w http.ResponseWriter, r *http.Request, lang string, d *complaintDraft, err error) {
	f.log.Error("complaint form: service problem", "err", err, "request_id", f.host.RequestID(r), "route", f.host.RouteName(r))
	w.Header().Set("Retry-After", "30")
	retry := r.URL.Path
	if change := r.URL.Query().Get("change"); change == "1" {
		retry += "?change=1"
	}
	f.complaintPage(w, r, http.StatusServiceUnavailable, "complaint_problem", lang, nil,
		&complaintView{Heading: translate(lang, "problem.heading"), Status: http.StatusServiceUnavailable, RetryURL: retry})
}

// complaintTooMany is the friendly 429 page.
func (f *form) complaintTooMany(w http.ResponseWriter, r *http.Request, lang string, wait time.Duration) {
	secs := int(wait.Round(time.Second).Seconds())
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	f.complaintPage(w, r, http.StatusTooManyRequests, "complaint_problem", lang, nil,
		&complaintView{Heading: translate(lang, "toomany.heading"), Status: http.StatusTooManyRequests, Retry: secs, RetryURL: stepPath(stepCheck)})
}

// uploadRefused is the 503 page for an upload that could not be taken
// now: the service is busy with other uploads, or the store for unsent
// drafts' files is full. The answers typed so far are in the cookie.
func (f *form) uploadRefused(w http.ResponseWriter, r *http.Request, lang, problem string, retry time.Duration) {
	secs := int(retry.Seconds())
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	heading := "busy.heading"
	switch problem {
	case problemStoreFull:
		heading = "storefull.heading"
	case problemDayFull:
		heading = "dayfull.heading"
	}
	f.complaintPage(w, r, http.StatusServiceUnavailable, "complaint_problem", lang, nil, &complaintView{
		Heading: translate(lang, heading), Status: http.StatusServiceUnavailable, Problem: problem,
		Retry: secs, RetryURL: stepPath(stepEvidence)})
}
