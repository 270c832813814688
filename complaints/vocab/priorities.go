package vocab

import "slices"

// The triage priorities. A rulebook's bands map scores to these; the
// database stores no other (complaints, triage_results and
// triage_decisions check their priority columns against this list).
const (
	PriorityUrgent = "urgent"
	PriorityHigh   = "high"
	PriorityMedium = "medium"
	PriorityLow    = "low"
)

// Priorities lists the priorities most pressing first: the order of the
// triage queue's priority sort and of reports.
var Priorities = []Term{
	{Code: PriorityUrgent, Label: Text{"Urgent", "Brys"}},
	{Code: PriorityHigh, Label: Text{"High", "Uchel"}},
	{Code: PriorityMedium, Label: Text{"Medium", "Canolig"}},
	{Code: PriorityLow, Label: Text{"Low", "Isel"}},
}

// Untriaged is how reports name the complaints no rulebook has given a
// priority yet.
var Untriaged = Term{Code: "untriaged", Label: Text{"Not yet triaged", "Heb ei frysbennu eto"}}

// PriorityConstraints are the CHECK constraints the migrations put on
// the priority columns; CheckRulebook reads them back from the database.
var PriorityConstraints = []string{"complaints_priority_check", "triage_results_priority_check", "triage_decisions_priority_check"}

// PriorityCodes returns every priority's code, most pressing first.
func PriorityCodes() []string { return codes(Priorities) }

// IsPriority reports whether code is a priority.
func IsPriority(code string) bool {
	_, ok := find(Priorities, code)
	return ok
}

// PriorityRank is code's place in Priorities (0 is the most pressing);
// anything else, no priority included, sorts after them all.
func PriorityRank(code string) int {
	if i := slices.IndexFunc(Priorities, func(t Term) bool { return t.Code == code }); i >= 0 {
		return i
	}
	return len(Priorities)
}

// PriorityLabel is the priority's English label, or the code itself.
func PriorityLabel(code string) string { return label(Priorities, code) }

// PriorityLabels maps each priority's code to its label in lang.
func PriorityLabels(lang string) map[string]string { return labels(Priorities, lang) }
