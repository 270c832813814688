package web

import (
	"bytes"
	"encoding/json"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/reports"
)

// The API keeps its stable codes, which integrators' programs match on,
// and adds beside each code a person reads a *_label field with its
// words, from the one vocabulary the pages use. The labels are added to
// the encoded object, so the services' types and their JSON stay as they
// are.

// jsonObject is v encoded and read back as an object, numbers kept exact,
// for adding fields to.
func jsonObject(v any) (map[string]any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	err = dec.Decode(&m)
	return m, err
}

// withLabels is v with labels added by add, or v as it is when it is not
// an object.
func withLabels(v any, add func(map[string]any)) any {
	m, err := jsonObject(v)
	if err != nil || m == nil {
		return v
	}
	add(m)
	return m
}

// withLabelsList applies labelled to every element of list.
func withLabelsList[T any](list []T, add func(map[string]any)) []any {
	out := make([]any, len(list))
	for i := range list {
		out[i] = withLabels(list[i], add)
	}
	return out
}

func apiCode(v any) string { s, _ := v.(string); return s }

// codeLabels labels a list of codes.
func codeLabels(v any, label func(string) string) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, c := range list {
		out = append(out, label(apiCode(c)))
	}
	return out
}

// priorityLabel names a priority, and a missing one as not yet triaged.
func priorityLabel(code string) string {
	if code == "" {
		return vocab.Untriaged.Label.EN
	}
	return vocab.PriorityLabel(code)
}

// addComplaintLabels labels a complaint's (summary or detail) codes. A
// referral is named by its body ("Action Fraud"), as the CSV and the
// workbook name it, so the same complaint reads the same everywhere.
func addComplaintLabels(m map[string]any) {
	m["source_label"] = vocab.SourceLabel(apiCode(m["source"]))
	if c, ok := m["consent"]; ok {
		m["consent_label"] = vocab.ConsentLabel(apiCode(c))
	}
	m["channel_label"] = vocab.ChannelLabel(apiCode(m["channel"]))
	m["channel_labels"] = codeLabels(m["channels"], vocab.ChannelLabel)
	m["status_label"] = vocab.StatusLabel(apiCode(m["status"]))
	m["priority_label"] = priorityLabel(apiCode(m["priority"]))
	m["referral_label"] = referralLabel(m["referral"])
	if tr, ok := m["triage"].(map[string]any); ok {
		tr["channel_label"] = vocab.ChannelLabel(apiCode(tr["channel"]))
		tr["channel_labels"] = codeLabels(tr["channels"], vocab.ChannelLabel)
		tr["priority_label"] = priorityLabel(apiCode(tr["priority"]))
		tr["referral_label"] = referralLabel(tr["referral"])
		tr["provision_labels"] = codeLabels(tr["provisions"], provisionLabel)
	}
}

// referralLabel names the body a referral id sends the complainant to, or
// is empty when there is no referral.
func referralLabel(v any) string {
	if ref := apiCode(v); ref != "" {
		return complaints.ReferralBodyLabel(ref)
	}
	return ""
}

// provisionLabel is a provision's title in the rulebook, or its id when
// the rulebook does not know it, so a label is never blank.
func provisionLabel(code string) string {
	if t := reports.CodeTitle(code); t != "" {
		return t
	}
	return code
}

// complaintJSON is a complaint as the API shows it.
func complaintJSON(d any) any { return withLabels(d, addComplaintLabels) }

// complaintPageJSON is a page of complaints as the API shows it.
func complaintPageJSON(p complaints.Page) map[string]any {
	out := map[string]any{"items": withLabelsList(p.Items, addComplaintLabels)}
	if p.NextCursor != "" {
		out["next_cursor"] = p.NextCursor
	}
	return out
}

// addNationLabels labels a party's or an election's nations.
func addNationLabels(m map[string]any) {
	m["nation_labels"] = codeLabels(m["nations"], vocab.NationLabel)
}

// addElectionLabels labels an election's type and nations.
func addElectionLabels(m map[string]any) {
	addNationLabels(m)
	m["type_label"] = outreach.TypeName(apiCode(m["type"]))
}

// electionStatusJSON is an election's progress as the API shows it.
func electionStatusJSON(st any) any {
	return withLabels(st, func(m map[string]any) {
		if e, ok := m["election"].(map[string]any); ok {
			addElectionLabels(e)
		}
	})
}

// meJSON is the caller as GET /api/v1/me shows them.
func meJSON(u *staff.User) map[string]any {
	return map[string]any{"email": u.Email, "role": u.Role, "role_label": roleLabel(u.Role)}
}

// roleLabel is a staff role in words.
func roleLabel(r staff.Role) string { return r.Label() }

// addTrendLabels labels the codes a trends row is grouped by.
func addTrendLabels(m map[string]any) {
	if c, ok := m["channel"]; ok {
		m["channel_label"] = vocab.ChannelLabel(apiCode(c))
	}
	if p, ok := m["priority"]; ok {
		m["priority_label"] = priorityLabel(apiCode(p))
	}
	if s, ok := m["status"]; ok {
		m["status_label"] = vocab.StatusLabel(apiCode(s))
	}
}

// sendResultJSON is a sent batch (an election call, letters to chosen
// parties) as the API shows it: the batch's state and the template in
// words beside their codes.
func sendResultJSON(res any) any {
	return withLabels(res, func(m map[string]any) {
		m["batch_state_label"] = vocab.LetterStateLabel(apiCode(m["batch_state"]))
		if t := apiCode(m["template"]); t != "" {
			m["template_label"] = vocab.LetterTemplateLabel(t)
		}
	})
}

// letterJSON is one letter as the API shows it, its state in words.
func letterJSON(l any) any {
	return withLabels(l, func(m map[string]any) {
		m["state_label"] = vocab.LetterStateLabel(apiCode(m["state"]))
	})
}
