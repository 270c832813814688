package audit

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
)

// Labeller names a stored code in words: the label of value as field of
// an object of type objectType, or "" when it has none. The web layer
// supplies one built from every vocabulary (this package cannot import
// the packages that record entries, since they all import it).
type Labeller func(objectType, field, value string) string

// Description is an entry told in words: the sentence a person reads and
// the object it is about.
type Description struct {
	Sentence string
	Object   string
}

// actionTitles are the opening words of each action's sentence. Every
// action the code records has one; TestEveryRecordedActionHasASentence
// keeps it so. The triage override has none: its sentence is the change
// itself ("Priority changed from High to Urgent").
var actionTitles = map[string]string{
	"alert.close":                       "Alert closed",
	"alert.raise":                       "Alert raised",
	"audit.advance":                     "Audit moved on",
	"audit.create":                      "Audit created",
	"audit.letter":                      "Audit letter drafted",
	"audit.report.download":             "Audit report downloaded",
	"audit.review":                      "Audit reviewed",
	"audit.update":                      "Audit updated",
	"audit_digest.send":                 "Audit digest sent",
	"audit_programme.create":            "Audit programme created",
	"audit_programme.summary.download":  "Audit programme summary downloaded",
	"audit_programme.update":            "Audit programme updated",
	"audit_programme.workbook.download": "Audit programme workbook downloaded",
	"audit_progress.add":                "Progress noted on a recommendation",
	"audit_recommendation.create":       "Recommendation added",
	"audit_recommendation.respond":      "Party's response recorded",
	"audit_recommendation.update":       "Recommendation updated",
	"complaint.acknowledge":             "Acknowledgement sent",
	"complaint.assign":                  "Complaint assigned",
	"complaint.close":                   "Complaint closed",
	"complaint.evidence_download":       "Evidence downloaded",
	"complaint.receive":                 "Complaint received",
	"complaint.retention":               "Old complaints anonymised",
	"complaint.review_start":            "Review started",
	"complaint.triage":                  "Complaint triaged",
	"complaint.triage_accept":           "Triage accepted",
	"complaint.triage_override":         "",
	"complaint.view_complainant":        "Complainant's details viewed",
	"complaints.import":                 "Complaints imported",
	"demo.complaints":                   "Demo complaints added",
	"demo.load":                         "Demo parties loaded",
	"digest.send":                       "Daily digest sent",
	"election.call":                     "Election called",
	"election.create":                   "Election created",
	"election.follow_up.draft":          "Follow-up letters drafted",
	"letter.bounce":                     "Letter bounced",
	"letter.resend":                     "Letter sent again",
	"letter.test_copy":                  "Test copy of a letter sent",
	"letter_batch.cancel":               "Letter batch cancelled",
	"letter_batch.release":              "Letter batch released",
	"letter_template.save":              "Letter template saved",
	"letter_template.seed":              "Standard letter templates added",
	"letters.party.draft":               "Letter to a party drafted",
	"letters.send":                      "Letters drafted",
	"login.throttled":                   "Sign-ins slowed down after repeated failures",
	"organisation.save":                 "Organisation settings saved",
	"organisation.seed":                 "Organisation settings started from the defaults",
	"outbox.list":                       "Outbox viewed",
	"outbox.message.view":               "Outbox message viewed",
	"party.contact.create":              "Party contact added",
	"party.contact.deactivate":          "Party contact deactivated",
	"party.contact.reactivate":          "Party contact reactivated",
	"party.contact.update":              "Party contact updated",
	"party.create":                      "Party added",
	"party.deactivate":                  "Party deactivated",
	"party.import":                      "Parties imported",
	"party.reactivate":                  "Party reactivated",
	"party.update":                      "Party updated",
	"report.export.download":            "Export downloaded",
	"report.export.expire":              "Old exports deleted",
	"report.export.request":             "Export requested",
	"report.follow_up.download":         "Follow-up report downloaded",
	"session.login":                     "Signed in",
	"session.logout":                    "Signed out",
	"token.create":                      "API token created",
	"token.revoke":                      "API token revoked",
	"user.create":                       "Staff account created",
	"user.disable":                      "Staff account disabled",
	"user.enable":                       "Staff account enabled again",
}

// ActionChoice is one action kind for the audit log's filter.
type ActionChoice struct {
	Code, Label string
}

// ActionChoices lists every known action with its words, ordered by them.
func ActionChoices() []ActionChoice {
	out := make([]ActionChoice, 0, len(actionTitles))
	for code, title := range actionTitles {
		if title == "" {
			title = "Triage overridden"
		}
		out = append(out, ActionChoice{Code: code, Label: title})
	}
	slices.SortFunc(out, func(a, b ActionChoice) int { return strings.Compare(a.Label, b.Label) })
	return out
}

// ActionLabel is action in words, humanised when it is not known.
func ActionLabel(action string) string {
	if t, ok := actionTitles[action]; ok {
		if t == "" {
			return "Triage overridden"
		}
		return t
	}
	return vocab.Capitalise(vocab.Words(action))
}

// fieldNames are the words for the fields summaries hold, where
// humanising the key would not read well.
var fieldNames = map[string]string{
	"assigned_to":             "assigned officer",
	"count_24h":               "complaints in 24 hours",
	"mean_7d":                 "daily average over 7 days",
	"party_id":                "party",
	"election_id":             "election",
	"letter_id":               "letter",
	"letter_batch_id":         "letter batch",
	"batch_id":                "letter batch",
	"batch_state":             "batch state",
	"evidence_id":             "evidence file",
	"user_id":                 "staff account",
	"audit_id":                "audit",
	"programme_id":            "programme",
	"recommendation_id":       "recommendation",
	"name_cy":                 "Welsh name",
	"lang":                    "language",
	"duplicate_of":            "duplicate of",
	"same_sender_7d":          "complaints from the same sender in 7 days",
	"cluster_7d":              "similar complaints in 7 days",
	"party_matched":           "party matched",
	"parties_without_contact": "parties without a contact",
	"reply_by":                "reply by",
	"expires_at":              "expires",
	"tokens_revoked":          "API tokens revoked",
	"contact_flagged":         "contact flagged for review",
	"retention_days":          "kept for (days)",
	"evidence":                "evidence files",
}

// hiddenFields are internal details no reader needs: hashes, internal
// ids and bookkeeping versions.
var hiddenFields = map[string]bool{
	"triage_result_id": true, "rulebook_hash": true, "sender_key": true,
	"sender_cluster_id": true, "text_cluster_id": true,
}

// quotedFields are a person's own words, quoted after the sentence.
var quotedFields = []string{"reason", "note"}

// Describe tells e in words, naming codes through label (which may be nil).
func Describe(e Entry, label Labeller) Description {
	var ch struct {
		Before map[string]any `json:"before"`
		After  map[string]any `json:"after"`
	}
	// A summary that is not an object of fields (none is written today)
	// is left out rather than shown as JSON.
	_ = json.Unmarshal(e.Summary, &ch)
	d := describer{objectType: e.ObjectType, label: label}
	title, known := actionTitles[e.Action]
	if !known {
		title = vocab.Capitalise(vocab.Words(e.Action))
	}
	var parts []string
	if ch.Before != nil && ch.After != nil {
		parts = d.changes(ch.Before, ch.After)
	} else if ch.After != nil {
		parts = d.values(ch.After)
	} else if ch.Before != nil {
		parts = d.values(ch.Before)
	}
	var b strings.Builder
	switch {
	case title == "" && len(parts) > 0:
		b.WriteString(vocab.Capitalise(strings.Join(parts, "; ")))
	case title == "":
		b.WriteString("Triage overridden")
	case len(parts) > 0:
		b.WriteString(title + ": " + strings.Join(parts, "; "))
	default:
		b.WriteString(title)
	}
	if e.Actor != "" {
		b.WriteString(" by " + ActorLabel(e.Actor))
	}
	var quotes []string
	for _, f := range quotedFields {
		if s, ok := ch.After[f].(string); ok && strings.TrimSpace(s) != "" {
			quotes = append(quotes, "'"+strings.TrimSpace(s)+"'")
		}
	}
	if len(quotes) > 0 {
		b.WriteString(": " + strings.Join(quotes, "; "))
	}
	return Description{Sentence: b.String(), Object: ObjectLabel(e, ch.After, ch.Before)}
}

// systemActors are the named actors that are not staff, in words.
var systemActors = map[string]string{
	"public": "a member of the public",
	"system": "the system",
	"cli":    "the command line",
}

// ActorLabel names who acted: a staff user by their address, a system
// actor in words.
func ActorLabel(actor string) string {
	if l, ok := systemActors[actor]; ok {
		return l
	}
	return actor
}

type describer struct {
	objectType string
	label      Labeller
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		if !hiddenFields[k] && !slices.Contains(quotedFields, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// changes names only the fields whose values differ, and the fields the
// after side adds.
func (d describer) changes(before, after map[string]any) []string {
	var out []string
	for _, k := range sortedKeys(after) {
		was, had := before[k]
		now := after[k]
		if had && equal(was, now) {
			continue
		}
		if k == "version" {
			continue
		}
		if !had {
			out = append(out, d.field(k)+" "+d.value(k, now))
			continue
		}
		out = append(out, d.field(k)+" changed from "+d.value(k, was)+" to "+d.value(k, now))
	}
	return out
}

// values names every field of a one-sided summary.
func (d describer) values(m map[string]any) []string {
	var out []string
	for _, k := range sortedKeys(m) {
		if empty(m[k]) {
			continue
		}
		out = append(out, d.field(k)+" "+d.value(k, m[k]))
	}
	return out
}

// empty reports whether a one-sided summary's value says nothing: a
// field left blank is not worth a clause.
func empty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

func equal(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func (d describer) field(k string) string {
	if n, ok := fieldNames[k]; ok {
		return n
	}
	return vocab.Words(k)
}

// value is v in words: codes by their labels, booleans as Yes or No,
// dates as dates, lists joined, and nothing as "none".
func (d describer) value(field string, v any) string {
	switch v := v.(type) {
	case nil:
		return "none"
	case bool:
		if v {
			return "yes"
		}
		return "no"
	case float64:
		if v == math.Trunc(v) {
			// A whole number may be an id the labeller can name (a staff
			// account, say); otherwise it is a count.
			n := strconv.FormatInt(int64(v), 10)
			if d.label != nil {
				if l := d.label(d.objectType, field, n); l != "" {
					return l
				}
			}
			return n
		}
		return strconv.FormatFloat(v, 'f', 1, 64)
	case string:
		return d.code(field, v)
	case []any:
		if len(v) == 0 {
			return "none"
		}
		words := make([]string, len(v))
		for i, x := range v {
			words[i] = d.value(singular(field), x)
		}
		return strings.Join(words, ", ")
	case map[string]any:
		if len(v) == 0 {
			return "none"
		}
		keys := sortedKeys(v)
		words := make([]string, 0, len(keys))
		for _, k := range keys {
			words = append(words, d.key(singular(field), k)+" "+d.value(k, v[k]))
		}
		return "(" + strings.Join(words, ", ") + ")"
	}
	return fmt.Sprint(v)
}

// singular is the field name each element of a list field is labelled
// as: "nations" holds nation codes, "provisions" provision codes.
func singular(field string) string {
	switch field {
	case "statuses":
		return "status"
	case "languages":
		return "language"
	}
	return strings.TrimSuffix(field, "s")
}

// key names a key of a map a summary holds: a code the map counts by
// ("languages": {"en": 9}) by its label, otherwise a field of a record
// ("versions": [{"lang": "en", ...}]) by its name.
func (d describer) key(field, k string) string {
	switch k {
	case "en":
		return "English"
	case "cy":
		return "Welsh"
	}
	if l := d.code(field, k); l != k {
		return l
	}
	return d.field(k)
}

func (d describer) code(field, v string) string {
	if v == "" {
		return "none"
	}
	if d.label != nil {
		if l := d.label(d.objectType, field, v); l != "" {
			return l
		}
	}
	if l := defaultLabel(d.objectType, field, v); l != "" {
		return l
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return vocab.FormatDate(t, "en")
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.In(vocab.London).Format("2 January 2006 15:04")
	}
	if isCode(v) {
		return vocab.Words(v)
	}
	return v
}

// defaultLabel names the complaint vocabulary's codes, which this
// package can read itself.
func defaultLabel(objectType, field, v string) string {
	var terms []vocab.Term
	switch field {
	case "priority", "original_priority":
		if v == vocab.Untriaged.Code {
			return vocab.Untriaged.Label.EN
		}
		terms = vocab.Priorities
	case "nation":
		terms = vocab.Nations
	case "outcome":
		terms = vocab.Outcomes
	case "source":
		if objectType == "complaint" {
			terms = vocab.Sources
		}
	case "status":
		if objectType == "complaint" {
			terms = vocab.Statuses
		}
	case "channel":
		if c, ok := vocab.ChannelByCode(v); ok {
			return c.Label.EN
		}
	case "language", "lang":
		switch v {
		case "en":
			return "English"
		case "cy":
			return "Welsh"
		}
	}
	for _, t := range terms {
		if t.Code == v {
			return t.Label.EN
		}
	}
	return ""
}

// isCode reports whether v looks like a stored code (lower case words
// joined by underscores), which is humanised rather than shown raw.
func isCode(v string) bool {
	if !strings.Contains(v, "_") {
		return false
	}
	for _, r := range v {
		if !(r == '_' || unicode.IsLower(r) || unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

// objectNames are the words for each object type.
var objectNames = map[string]string{
	"complaint":             "Complaint",
	"complaint_import":      "Complaint import",
	"complaints":            "Complaints",
	"party":                 "Party",
	"parties":               "Party register",
	"party_contact":         "Party contact",
	"party_import":          "Party import",
	"election":              "Election",
	"letter":                "Letter",
	"letter_batch":          "Letter batch",
	"letter_template":       "Letter template",
	"alert":                 "Alert",
	"audit":                 "Audit",
	"audit_programme":       "Audit programme",
	"audit_recommendation":  "Recommendation",
	"audit_progress":        "Progress note",
	"audit_digest":          "Audit digest",
	"report_export":         "Export",
	"organisation_settings": "Organisation settings, version",
	"staff_user":            "Staff account",
	"api_token":             "API token",
	"sign_in":               "Sign-in",
	"outbox":                "Outbox",
}

// ObjectLabel names the object an entry is about in words: "Complaint
// CW-…", or "Party: Green Party" when the summary holds its name.
func ObjectLabel(e Entry, summaries ...map[string]any) string {
	name, ok := objectNames[e.ObjectType]
	if !ok {
		name = vocab.Capitalise(vocab.Words(e.ObjectType))
	}
	for _, s := range summaries {
		if n, ok := s["name"].(string); ok && n != "" && e.ObjectType != "letter_template" {
			return name + ": " + n
		}
		if n, ok := s["email"].(string); ok && n != "" && e.ObjectType == "staff_user" {
			return name + ": " + n
		}
	}
	if e.ObjectID == "" {
		return name
	}
	if e.ObjectType == "sign_in" {
		return name + " (" + vocab.Words(e.ObjectID) + ")"
	}
	return name + " " + e.ObjectID
}

// ActionGroup is the actions about one kind of thing, for the audit
// log's filter: Prefix selects them all (the filter matches by prefix).
type ActionGroup struct {
	Label, Prefix string
	Actions       []ActionChoice
}

// ActionGroups lists every known action grouped by the kind of thing it
// is about, each group and action in words.
func ActionGroups() []ActionGroup {
	byPrefix := map[string]*ActionGroup{}
	var out []*ActionGroup
	for _, a := range ActionChoices() {
		p, _, _ := strings.Cut(a.Code, ".")
		g, ok := byPrefix[p]
		if !ok {
			label := areaNames[p]
			if label == "" {
				label = vocab.Capitalise(vocab.Words(p))
			}
			g = &ActionGroup{Label: label, Prefix: p + "."}
			byPrefix[p] = g
			out = append(out, g)
		}
		g.Actions = append(g.Actions, a)
	}
	slices.SortFunc(out, func(a, b *ActionGroup) int { return strings.Compare(a.Label, b.Label) })
	groups := make([]ActionGroup, len(out))
	for i, g := range out {
		groups[i] = *g
	}
	return groups
}

// areaNames are the words for the first part of the action codes.
var areaNames = map[string]string{
	"alert": "Alerts", "audit": "Audits", "audit_digest": "Audit digests", "audit_programme": "Audit programmes",
	"audit_progress": "Audit progress notes", "audit_recommendation": "Audit recommendations",
	"complaint": "Complaints", "complaints": "Complaint imports", "demo": "Demo data", "digest": "Daily digests",
	"election": "Elections", "letter": "Letters", "letter_batch": "Letter batches", "letter_template": "Letter templates",
	"letters": "Letters drafted", "login": "Sign-in protection", "organisation": "Organisation settings",
	"outbox": "Outbox", "party": "Parties", "report": "Reports and exports", "session": "Sign-in and sign-out",
	"token": "API tokens", "user": "Staff accounts",
}

// ObjectTypeChoice is one object type for the audit log's filter.
type ObjectTypeChoice struct {
	Code, Label string
}

// ObjectTypeChoices lists the object types entries are about, in words.
func ObjectTypeChoices() []ObjectTypeChoice {
	out := make([]ObjectTypeChoice, 0, len(objectNames))
	for code, label := range objectNames {
		out = append(out, ObjectTypeChoice{Code: code, Label: strings.TrimSuffix(label, ", version")})
	}
	slices.SortFunc(out, func(a, b ObjectTypeChoice) int { return strings.Compare(a.Label, b.Label) })
	return out
}
