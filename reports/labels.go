package reports

import (
	"strings"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
)

// The words an export shows for a complaint's coded values, taken from the
// one vocabulary so the workbook, the CSV's *_label columns and the pages
// say the same thing. An empty code is an empty label: a complaint not yet
// triaged has no outcome, and saying so is the Status column's job.

// PriorityLabel is the label of a priority code.
func PriorityLabel(code string) string { return labelOrEmpty(code, vocab.PriorityLabel) }

// StatusLabel is the label of a status code.
func StatusLabel(code string) string { return labelOrEmpty(code, vocab.StatusLabel) }

// OutcomeLabel is the label of an outcome code.
func OutcomeLabel(code string) string { return labelOrEmpty(code, vocab.OutcomeLabel) }

// ReferralLabel names the body a referral id sends the complainant to.
func ReferralLabel(id string) string { return labelOrEmpty(id, complaints.ReferralBodyLabel) }

// ChannelsLabel is the labels of channel codes, joined by "; ".
func ChannelsLabel(codes ...string) string {
	names := make([]string, 0, len(codes))
	for _, c := range codes {
		if c != "" {
			names = append(names, vocab.ChannelLabel(c))
		}
	}
	return strings.Join(names, "; ")
}

func labelOrEmpty(code string, label func(string) string) string {
	if code == "" {
		return ""
	}
	return label(code)
}
