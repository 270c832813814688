package staff

import "github.com/campaignwatch/campaignwatch/complaints/vocab"

// roleLabels are the roles in words, shared by the web pages and the CLI.
var roleLabels = map[Role]string{
	RoleAdmin:         "Administrator",
	RolePoliticalTeam: "Political team",
	RoleTriageOfficer: "Triage officer",
	RoleAnalyst:       "Analyst",
}

// Label is the role in words, as people read it ("Triage officer").
// A role this version does not know is shown as its code in words.
func (r Role) Label() string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return vocab.Words(string(r))
}
