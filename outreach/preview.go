package outreach

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/mail"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
	"github.com/campaignwatch/campaignwatch/outreach/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
	"github.com/campaignwatch/campaignwatch/outreach/render"
)

// Preview is what an election call (PreviewCall) or letters to chosen
// parties (PreviewLetters) would create, shown before anything is: the
// people written to and in which language, the template versions, any
// warnings, and one letter rendered as it will be sent. Token is the
// confirmation Call and SendLetters need.
type Preview struct {
	// Kind is "call" or "parties".
	Kind string `json:"kind"`
	// Election is the election called, or the one whose particulars fill
	// letters to chosen parties; nil when there is none.
	Election *Election `json:"election,omitempty"`
	// ElectionType and Nations are the election's type and nations in
	// words.
	ElectionType string   `json:"election_type,omitempty"`
	Nations      []string `json:"nations,omitempty"`
	// RecordOnly is set when the election is recorded and no letter
	// written.
	RecordOnly bool             `json:"record_only"`
	Template   string           `json:"template,omitempty"`
	Versions   []PreviewVersion `json:"template_versions,omitempty"`
	Letters    int              `json:"letters"`
	Parties    []PreviewParty   `json:"parties"`
	// NoContact names parties in scope that have no active contact and so
	// get no letter.
	NoContact []string `json:"parties_without_contact,omitempty"`
	// Warnings are worth reading before confirming, but do not stop it.
	Warnings []string `json:"warnings,omitempty"`
	// Delivery says in words when the letters go: at once, at a time, or
	// held until released.
	Delivery string        `json:"delivery,omitempty"`
	Sample   *SampleLetter `json:"sample,omitempty"`
	// Token confirms this preview: pass it back as the confirmation.
	Token string `json:"confirmation"`
}

// PreviewVersion is the template version used in one language, and the
// number of letters it appears in.
type PreviewVersion struct {
	Language string `json:"language"`
	Version  int    `json:"version"`
	Letters  int    `json:"letters"`
}

// PreviewParty is one party written to, with its contacts.
type PreviewParty struct {
	PartyID  int64            `json:"party_id"`
	Party    string           `json:"party"`
	Contacts []PreviewContact `json:"contacts"`
	// Fields are the values the service fills for this party alone
	// (PartyFieldNames), in English, when it has any: what its letters
	// say that the others' do not.
	Fields map[string]string `json:"party_fields,omitempty"`
}

// PreviewContact is one letter: its recipient and language, in words.
type PreviewContact struct {
	ContactID int64  `json:"contact_id"`
	Name      string `json:"name"`
	Position  string `json:"position,omitempty"`
	Email     string `json:"email"`
	Language  string `json:"language"`
}

// SampleLetter is the first letter of a preview, rendered as it will be
// sent (its reference is given when the letters are created).
type SampleLetter struct {
	Party     string `json:"party"`
	Recipient string `json:"recipient"`
	Language  string `json:"language"`
	Subject   string `json:"subject"`
	HTML      string `json:"html"`
	Text      string `json:"text"`
	PDF       []byte `json:"-"`
}

// plan is a checked request for letters, shared by the preview and the
// creation so both see exactly the same thing.
type plan struct {
	kind       string // "call" or "parties"
	election   *Election
	recordOnly bool
	hold       bool
	sendAt     *time.Time
	now        time.Time
	fourEyes   bool

	ts     *TemplateSet
	org    *organisation.Settings
	sig    organisation.Signatory
	values map[string]map[string]string // per language, shared by every letter

	recips []recipient
	// partyFields are the per-party fields the template uses, and
	// partyValues their values by party and language (see
	// loadPartyValues): empty for a party with nothing to say.
	partyFields []string
	partyValues map[int64]map[string]map[string]string
	noContact   []string
	warnings    []string
	// done is what was already done that a second confirmation of the
	// same preview would repeat: an election of the same name and
	// polling day, or the newest letter to the chosen parties.
	done any
}

// errNoConfirmation is the refusal of a call or send without a preview's
// token.
func errNoConfirmation(what string) error {
	return apperr.Fields(apperr.FieldError{Field: "confirmation", Message: fmt.Sprintf(
		"Preview the %s first (a dry run) and confirm it with the preview's confirmation token: nothing is sent without one", what)})
}

// loadTemplate reads the template set and the organisation's settings in
// force.
func (s *Service) loadTemplate(ctx context.Context, p *plan, name string) error {
	ts, err := s.TemplateSet(ctx, name)
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return apperr.Fields(apperr.FieldError{Field: "template", Message: apperr.MessageOf(err)})
		}
		return err
	}
	org, err := s.settings.Org.Current(ctx)
	if err != nil {
		return err
	}
	p.ts, p.org, p.sig = ts, org, org.SignatoryFor(name)
	p.fourEyes = s.settings.FourEyes
	return nil
}

// langsOf lists the languages ts is written in, Welsh first.
func (p *plan) langs() []string {
	var out []string
	for _, l := range []string{"cy", "en"} {
		if p.ts.Parsed[l] != nil {
			out = append(out, l)
		}
	}
	return out
}

// electionFields are the fields an election fills in a letter.
var electionFields = []string{"ElectionName", "PollingDay", "AnnouncementDate"}

// commonValues are the values every letter of the plan shares in lang:
// the election's (dates written in the language), today's date, the
// signatory and the contact mailbox from the settings in force.
func (p *plan) commonValues(lang string) map[string]string {
	title := p.sig.Title
	if lang == "cy" && p.sig.TitleCY != "" {
		title = p.sig.TitleCY
	}
	v := map[string]string{
		"Date":           vocab.FormatDate(p.now.In(vocab.London), lang),
		"SignatoryName":  p.sig.Name,
		"SignatoryTitle": title,
		"ContactMailbox": p.org.ContactMailbox,
	}
	if e := p.election; e != nil {
		// The Welsh version takes the Welsh name only: an English name
		// in a Welsh letter is what fill refuses.
		v["ElectionName"] = e.Name
		if lang == "cy" {
			v["ElectionName"] = e.NameCY
		}
		v["PollingDay"] = vocab.FormatDay(e.PollingDay, lang)
		v["AnnouncementDate"] = vocab.FormatDate(e.AnnouncedOn, lang)
	}
	return v
}

// fill sets the plan's values: the common ones, then fields (the English
// version) and fieldsCY (the Welsh version). Only the template's own
// fields may be given (and, without an election, the election's; with
// one that has no Welsh name, its Welsh ElectionName). Each field a
// language version needs must end up with a value: an English value is
// never copied into the Welsh version, since a Welsh reader would get
// English in the middle of a Welsh letter.
func (p *plan) fill(fields, fieldsCY map[string]string) []apperr.FieldError {
	var errs []apperr.FieldError
	var own []string
	for _, l := range p.langs() {
		for _, f := range p.ts.Parsed[l].Extra {
			// The service fills a party's own fields; staff are neither
			// asked for them nor allowed to set them for every party.
			if !slices.Contains(own, f) && !isPartyField(f) {
				own = append(own, f)
			}
		}
	}
	allowed := slices.Clone(own)
	if p.election == nil {
		allowed = append(allowed, electionFields...)
	}
	allowedCY := slices.Clone(allowed)
	if p.election != nil && p.election.NameCY == "" {
		allowedCY = append(allowedCY, "ElectionName")
	}
	p.values = map[string]map[string]string{}
	for _, l := range p.langs() {
		p.values[l] = p.commonValues(l)
	}
	// given are the fields given in English, which the Welsh version
	// needs in Welsh too.
	var given []string
	set := func(src map[string]string, lang string, allowed []string, prefix string) {
		keys := slices.Sorted(maps.Keys(src))
		for _, k := range keys {
			v := strings.TrimSpace(src[k])
			if !slices.Contains(allowed, k) {
				errs = append(errs, apperr.FieldError{Field: prefix + k, Message: fmt.Sprintf("The template %q has no field %q (its own fields: %s)",
					p.ts.Name, k, orNone(strings.Join(own, ", ")))})
				continue
			}
			if v == "" {
				continue
			}
			if lang == "en" {
				given = append(given, k)
			}
			if p.values[lang] != nil {
				p.values[lang][k] = v
			}
		}
	}
	set(fields, "en", allowed, "fields.")
	set(fieldsCY, "cy", allowedCY, "fields_cy.")
	needed := map[string]bool{}
	welsh := 0
	for _, rc := range p.recips {
		for _, l := range Languages(rc.lang) {
			needed[l] = true
		}
		if slices.Contains(Languages(rc.lang), "cy") {
			welsh++
		}
	}
	readers := fmt.Sprintf("%d of the contacts read Welsh", welsh)
	if welsh == 1 {
		readers = "1 of the contacts reads Welsh"
	}
	if p.kind == "call" {
		readers = fmt.Sprintf("%d contacts of parties standing in Wales read Welsh", welsh)
		if welsh == 1 {
			readers = "1 contact of a party standing in Wales reads Welsh"
		}
	}
	if e := p.election; e != nil && needed["cy"] && p.values["cy"] != nil && p.values["cy"]["ElectionName"] == "" {
		if p.kind == "call" {
			errs = append(errs, apperr.FieldError{Field: "name_cy", Message: "Enter the election's name in Welsh: " + readers})
		} else {
			errs = append(errs, apperr.FieldError{Field: "fields_cy.ElectionName", Message: fmt.Sprintf(
				"Enter the Welsh name of %s as the Welsh field ElectionName: %s", e.Name, readers)})
		}
	}
	reported := map[string]bool{}
	for _, l := range p.langs() {
		if !needed[l] {
			continue
		}
		want := slices.DeleteFunc(slices.Clone(p.ts.Parsed[l].Extra), isPartyField)
		if l == "cy" {
			for _, f := range given {
				if !slices.Contains(want, f) {
					want = append(want, f)
				}
			}
		}
		for _, f := range want {
			if p.values[l][f] != "" || reported[l+f] {
				continue
			}
			reported[l+f] = true
			if l == "cy" {
				errs = append(errs, apperr.FieldError{Field: "fields_cy." + f, Message: fmt.Sprintf("Enter the Welsh for %s: %s", f, readers)})
			} else {
				errs = append(errs, apperr.FieldError{Field: "fields." + f, Message: fmt.Sprintf("Enter a value for %s: the template %q needs it", f, p.ts.Name)})
			}
		}
	}
	return errs
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// checkRecipients refuses contacts without a usable address, and Welsh
// readers of a template that has no Welsh version.
func (p *plan) checkRecipients() []apperr.FieldError {
	var errs []apperr.FieldError
	for _, rc := range p.recips {
		if a, err := mail.ParseAddress(rc.email); err != nil || !strings.EqualFold(a.Address, rc.email) {
			errs = append(errs, apperr.FieldError{Field: "contacts", Message: fmt.Sprintf("%s (%s) has no valid email address (%q); correct the contact first", rc.name, rc.party, rc.email)})
		}
	}
	if fe := p.checkWelsh(); fe != nil {
		errs = append(errs, *fe)
	}
	return errs
}

// checkWelsh refuses Welsh readers of a template that has no Welsh
// version, naming the template and the readers.
func (p *plan) checkWelsh() *apperr.FieldError {
	var welsh []string
	for _, rc := range p.recips {
		if p.ts.Parsed["cy"] == nil && slices.Contains(Languages(rc.lang), "cy") {
			welsh = append(welsh, fmt.Sprintf("%s (%s)", rc.name, rc.party))
		}
	}
	if len(welsh) == 0 {
		return nil
	}
	names := welsh
	if len(names) > 5 {
		names = append(slices.Clone(names[:5]), fmt.Sprintf("and %d more", len(welsh)-5))
	}
	return &apperr.FieldError{Field: "template", Message: fmt.Sprintf(
		"The letter template %q has no Welsh version, but %d of the contacts read letters in Welsh: %s. Add a Welsh version of the template, or change the contacts' language",
		p.ts.Name, len(welsh), strings.Join(names, ", "))}
}

// valuesFor are the values of one recipient's letter, per language.
func (p *plan) valuesFor(rc recipient, ref string) map[string]map[string]string {
	out := make(map[string]map[string]string, 2)
	for _, l := range Languages(rc.lang) {
		v := make(map[string]string, len(p.values[l])+4)
		maps.Copy(v, p.values[l])
		v["RecipientName"], v["RecipientPosition"], v["PartyName"], v["Reference"] = rc.name, rc.position, rc.party, ref
		for _, f := range p.partyFields {
			v[f] = p.partyValues[rc.partyID][l][f]
		}
		out[l] = v
	}
	return out
}

// render renders one recipient's letter.
func (p *plan) render(rc recipient, ref string, skipPDF bool) (*render.Letter, error) {
	sig := p.sig
	return p.ts.Render(Languages(rc.lang), p.valuesFor(rc, ref), render.RenderOptions{
		Created: p.now, Org: p.org, Signature: &sig, SkipPDF: skipPDF})
}

// templateIDs are the template version ids a letter in lang records: the
// English version (the batch's template) and the Welsh one when the
// letter is in Welsh.
func (p *plan) templateIDs(lang string) (int64, *int64) {
	var en int64
	if v := p.ts.Versions["en"]; v != nil {
		en = v.ID
	}
	var cy *int64
	if v := p.ts.Versions["cy"]; v != nil && slices.Contains(Languages(lang), "cy") {
		cy = &v.ID
	}
	if en == 0 && cy != nil {
		en = *cy
	}
	return en, cy
}

// state is the batch's state when created.
func (p *plan) state() string {
	switch {
	case p.hold || p.fourEyes:
		return "held"
	case p.sendAt != nil && p.sendAt.After(p.now):
		return "scheduled"
	}
	return "released"
}

// delivery says in words when the letters go.
func (p *plan) delivery() string {
	switch p.state() {
	case "held":
		if p.fourEyes && !p.hold {
			return "Held until a second member of staff releases the batch."
		}
		return "Held until a member of staff releases the batch."
	case "scheduled":
		return "Sent at " + p.sendAt.In(vocab.London).Format("15:04") + " on " + vocab.FormatDate(p.sendAt.In(vocab.London), "en") + " (UK time)."
	}
	return "Sent as soon as you confirm."
}

// versionNumbers are the template's version numbers by language code,
// for the audit log.
func (p *plan) versionNumbers() map[string]int {
	out := map[string]int{}
	if p.ts == nil {
		return out
	}
	for l, v := range p.ts.Versions {
		out[l] = v.Version
	}
	return out
}

// languageCounts counts the letters by language code.
func (p *plan) languageCounts() map[string]int {
	out := map[string]int{}
	for _, rc := range p.recips {
		out[rc.lang]++
	}
	return out
}

// tokenParts are the parts of what a preview showed that its token
// covers, each named as the refusal names it when it changed.
func (p *plan) tokenParts() []struct {
	name string
	data any
} {
	type rcpt struct {
		Party    int64
		Contact  int64
		Name     string
		Position string
		Email    string
		Lang     string
	}
	var rs []rcpt
	for _, rc := range p.recips {
		rs = append(rs, rcpt{rc.partyID, rc.contactID, rc.name, rc.position, strings.ToLower(rc.email), rc.lang})
	}
	var e any
	if p.election != nil {
		x := *p.election
		x.ID, x.CreatedAt = 0, time.Time{}
		e = x
	}
	ids := map[string]int64{}
	if p.ts != nil {
		for l, v := range p.ts.Versions {
			ids[l] = v.ID
		}
	}
	var send any
	if p.sendAt != nil {
		send = p.sendAt.UTC()
	}
	return []struct {
		name string
		data any
	}{
		{"the election", []any{p.kind, e, p.recordOnly}},
		{"the letter template", ids},
		{"the letter's contents", []any{p.values, p.partyValues}},
		{"the parties and contacts", []any{rs, p.noContact}},
		{"the organisation settings", p.org},
		{"when the letters are sent", []any{p.state(), send}},
		{p.doneName(), p.done},
	}
}

// doneName names what p.done counts, as a refusal says it.
func (p *plan) doneName() string {
	if p.kind == "call" {
		return "an election of the same name and polling day has been recorded"
	}
	return "letters have been written to these parties"
}

// token is the preview's confirmation: a short hash of each part, so a
// refusal can say which part changed.
func (p *plan) token() string {
	var out []string
	for _, part := range p.tokenParts() {
		b, _ := json.Marshal(part.data)
		sum := sha256.Sum256(b)
		out = append(out, hex.EncodeToString(sum[:6]))
	}
	return strings.Join(out, "-")
}

// check compares confirm with the plan's token, and refuses with a
// Conflict naming what changed.
func (p *plan) check(confirm string) error {
	want := strings.Split(p.token(), "-")
	got := strings.Split(strings.TrimSpace(confirm), "-")
	var changed []string
	if len(got) != len(want) {
		changed = append(changed, "the confirmation is not one a preview gave")
	} else {
		for i, part := range p.tokenParts() {
			if got[i] != want[i] {
				changed = append(changed, part.name)
			}
		}
	}
	if len(changed) == 0 {
		return nil
	}
	msg := fmt.Sprintf("Something changed since the preview (%s); check the new preview", strings.Join(changed, ", "))
	return &apperr.Error{Code: apperr.Conflict, Message: msg + ".", Fields: []apperr.FieldError{{Field: "confirmation", Message: msg}}}
}

// preview describes the plan and renders its first letter.
func (s *Service) preview(p *plan) (*Preview, error) {
	pv := &Preview{Kind: p.kind, RecordOnly: p.recordOnly, Parties: []PreviewParty{}, NoContact: p.noContact,
		Warnings: p.warnings, Token: p.token()}
	if e := p.election; e != nil {
		pv.Election = e
		pv.ElectionType = e.TypeName()
		for _, n := range e.Nations {
			pv.Nations = append(pv.Nations, vocab.NationLabel(n))
		}
	}
	if p.recordOnly {
		pv.Delivery = "No letters: the election is recorded only."
		return pv, nil
	}
	pv.Template = p.ts.Name
	pv.Delivery = p.delivery()
	counts := map[string]int{}
	for _, rc := range p.recips {
		for _, l := range Languages(rc.lang) {
			counts[l]++
		}
		if n := len(pv.Parties); n == 0 || pv.Parties[n-1].PartyID != rc.partyID {
			pp := PreviewParty{PartyID: rc.partyID, Party: rc.party}
			vs := p.partyValues[rc.partyID]
			for _, l := range []string{"en", "cy"} {
				if len(vs[l]) > 0 {
					pp.Fields = maps.Clone(vs[l])
					break
				}
			}
			pv.Parties = append(pv.Parties, pp)
		}
		pp := &pv.Parties[len(pv.Parties)-1]
		pp.Contacts = append(pp.Contacts, PreviewContact{ContactID: rc.contactID, Name: rc.name, Position: rc.position,
			Email: rc.email, Language: parties.LanguageLabel(rc.lang)})
	}
	for _, l := range []string{"cy", "en"} {
		if v := p.ts.Versions[l]; v != nil {
			pv.Versions = append(pv.Versions, PreviewVersion{Language: parties.LanguageLabel(l), Version: v.Version, Letters: counts[l]})
		}
	}
	pv.Letters = len(p.recips)
	if len(p.recips) > 0 {
		rc := p.recips[0]
		l, err := p.render(rc, s.sampleReference(p.now), false)
		if err != nil {
			return nil, apperr.Fields(apperr.FieldError{Field: "template", Message: fmt.Sprintf("The letter to %s (%s) cannot be rendered: %v", rc.name, rc.party, err)})
		}
		pv.Sample = &SampleLetter{Party: rc.party, Recipient: rc.name, Language: parties.LanguageLabel(rc.lang),
			Subject: l.Subject, HTML: l.HTML, Text: l.Text, PDF: l.PDF}
	}
	return pv, nil
}

// sampleReference is the reference a sample letter shows: the pattern's
// prefix with its counter left as noughts, since the real one is given
// only when the letters are created.
func (s *Service) sampleReference(now time.Time) string {
	prefix, width, _ := splitPattern(s.settings.ReferencePattern)
	prefix = strings.ReplaceAll(prefix, "{year}", fmt.Sprint(now.In(vocab.London).Year()))
	return prefix + strings.Repeat("0", max(width, 4))
}

// createBatch creates the plan's batch, its letters and (unless held)
// their send jobs, in tx. electionID is the election the batch belongs
// to, if any.
func (s *Service) createBatch(ctx context.Context, tx pgx.Tx, p *plan, kind string, sendAt *time.Time) (*CallResult, error) {
	q := dbsqlc.New(tx)
	state := p.state()
	var eid *int64
	if p.election != nil && p.election.ID != 0 {
		id := p.election.ID
		eid = &id
	}
	enID, _ := p.templateIDs("en")
	res := &CallResult{BatchState: state, Template: p.ts.Name, Parties: []PartyCount{}, NoContact: p.noContact}
	if eid != nil {
		res.ElectionID = *eid
	}
	if v := p.ts.Versions["en"]; v != nil {
		res.Version = v.Version
	}
	actor := audit.ActorFrom(ctx)
	var err error
	if kind == "parties" {
		res.BatchID, err = q.CreatePartiesBatch(ctx, dbsqlc.CreatePartiesBatchParams{ElectionID: eid, TemplateID: enID, State: state,
			SendAt: sendAt, CreatedBy: actor.UserID})
	} else {
		res.BatchID, err = q.CreateCallBatch(ctx, dbsqlc.CreateCallBatchParams{ElectionID: eid, TemplateID: enID, State: state,
			SendAt: sendAt, CreatedBy: actor.UserID})
	}
	if err != nil {
		return nil, err
	}
	letterState := map[string]string{"held": "held", "scheduled": "scheduled", "released": "queued"}[state]
	if err := s.createLetters(ctx, tx, res, p, p.recips, letterState); err != nil {
		return nil, err
	}
	if state != "held" {
		if err := s.enqueue(ctx, tx, res.BatchID, sendAt); err != nil {
			return nil, err
		}
	}
	counts := map[int64]*PartyCount{}
	for _, rc := range p.recips {
		pc := counts[rc.partyID]
		if pc == nil {
			pc = &PartyCount{PartyID: rc.partyID, Party: rc.party}
			counts[rc.partyID] = pc
		}
		pc.Letters++
	}
	for _, pc := range counts {
		res.Parties = append(res.Parties, *pc)
	}
	sort.Slice(res.Parties, func(i, j int) bool { return res.Parties[i].Party < res.Parties[j].Party })
	res.Letters = len(p.recips)
	return res, nil
}
