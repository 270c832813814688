package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
	"github.com/campaignwatch/campaignwatch/reports"
)

// vocabFuncs are the template functions that show the vocabulary's codes
// in words.
func vocabFuncs() template.FuncMap {
	return template.FuncMap{
		"nationLabel":         vocab.NationLabel,
		"nationList":          nationList,
		"outcomeLabel":        vocab.OutcomeLabel,
		"consentLabel":        vocab.ConsentLabel,
		"sourceLabel":         vocab.SourceLabel,
		"referralLabel":       complaints.ReferralBodyLabel,
		"letterStateLabel":    vocab.LetterStateLabel,
		"letterTemplateLabel": vocab.LetterTemplateLabel,
		"electionTypeLabel":   outreach.TypeName,
		"phaseLabel":          func(p outreach.Phase) string { return outreach.PhaseNames[p] },
		"languageLabel":       languageLabel,
		"yesNo":               yesNo,
		"codeWords":           codeWords,
		"dateOrTime":          dateOrTime,
		"complaintStatuses":   func() []vocab.Term { return vocab.Statuses },
		// A line of a triage rationale in words, as the triage panel
		// shows it.
		"whyLine": review.Sentence,
		// The audit log and a complaint's history as sentences.
		"auditSentence": func(e audit.Entry, people staffNames) string {
			return audit.Describe(e, people.labeller()).Sentence
		},
		"auditObject": func(e audit.Entry, people staffNames) string {
			return audit.Describe(e, people.labeller()).Object
		},
		"actionLabel":       audit.ActionLabel,
		"auditActionGroups": audit.ActionGroups,
		"auditObjectTypes":  audit.ObjectTypeChoices,
	}
}

// nationList names the nations in words, joined by commas.
func nationList(codes []string) string {
	words := make([]string, len(codes))
	for i, c := range codes {
		words[i] = vocab.NationLabel(c)
	}
	return strings.Join(words, ", ")
}

// languageLabel names a language code ("en", "cy", "both") in words.
func languageLabel(code string) string {
	if l := parties.LanguageLabel(code); l != "" {
		return l
	}
	return codeWords(code)
}

// codeWords is the last resort for a code no vocabulary names, such as a
// party contact's role: its words, capitalised.
func codeWords(code string) string {
	return vocab.Capitalise(vocab.Words(code))
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

// dateOrTime shows t as a date when only the day is known, and with its
// time otherwise: a complaint whose time was not given must not show a
// made-up midnight. Every staff page says when a complaint arrived with
// it, in the short form a narrow table column fits.
func dateOrTime(t time.Time, hasTime bool) string {
	if hasTime {
		return t.In(vocab.London).Format("2 Jan 2006 15:04")
	}
	return t.In(vocab.London).Format("2 Jan 2006")
}

// staffNames maps staff account ids to their email addresses, so that an
// audit entry that records an account by id ("assigned_to": 3) names the
// person instead.
type staffNames map[int64]string

// staffIDFields are the audit fields that hold a staff account's id.
var staffIDFields = map[string]bool{"assigned_to": true, "user_id": true, "officer_id": true, "owner_id": true}

// labeller is auditLabel with staff accounts named.
func (n staffNames) labeller() audit.Labeller {
	return func(objectType, field, value string) string {
		if staffIDFields[field] {
			if id, err := strconv.ParseInt(value, 10, 64); err == nil {
				if email, ok := n[id]; ok {
					return email
				}
				return "a staff account that no longer exists"
			}
		}
		return auditLabel(objectType, field, value)
	}
}

// staffNamesOf reads every staff account's address, for the pages that
// show audit entries; there are a few dozen accounts at most.
func (s *Server) staffNamesOf(r *http.Request) (staffNames, error) {
	users, err := s.staff.ListUsers(r.Context())
	if err != nil {
		return nil, err
	}
	names := make(staffNames, len(users))
	for _, u := range users {
		names[u.ID] = u.Email
	}
	return names, nil
}

// auditLabel names the codes audit entries hold, for audit.Describe,
// from each vocabulary by the field and the type of object it is about.
func auditLabel(objectType, field, value string) string {
	switch field {
	case "role":
		if objectType == "staff_user" {
			return staff.Role(value).Label()
		}
	case "provision":
		if t := reports.CodeTitle(value); t != "" {
			return t
		}
	case "referral":
		return complaints.ReferralBodyLabel(value)
	case "state", "batch_state":
		if objectType == "audit" {
			return audits.States.Label(value, vocab.English)
		}
		return vocab.LetterStateLabel(value)
	case "template":
		return vocab.LetterTemplateLabel(value)
	case "name":
		if objectType == "letter_template" {
			return vocab.LetterTemplateLabel(value)
		}
	case "type":
		if objectType == "audit" {
			return audits.Types.Label(value, vocab.English)
		}
		if objectType == "election" {
			return outreach.TypeName(value)
		}
	case "language", "lang":
		return parties.LanguageLabel(value)
	}
	if objectType == "audit" || objectType == "audit_recommendation" || objectType == "audit_programme" {
		return auditsLabel(field, value)
	}
	return ""
}

// auditsLabel names the audit vocabulary's codes.
func auditsLabel(field, value string) string {
	var v audits.Vocabulary
	switch field {
	case "assurance":
		v = audits.Assurance
	case "area", "finding_area":
		v = audits.Areas
	case "conclusion":
		v = audits.Conclusions
	case "scope":
		v = audits.Scopes
	case "response":
		v = audits.Responses
	case "status":
		v = audits.Statuses
	default:
		return ""
	}
	if !v.Has(value) {
		return ""
	}
	return v.Label(value, vocab.English)
}
