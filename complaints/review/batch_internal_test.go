package review

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
)

// The claim's columns reach the engine's input: the structured answers of
// Policy 2 included.
func TestStoredComplaintsReadTheStructuredAnswers(t *testing.T) {
	t.Parallel()
	yes, no := true, false
	stop := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	scs := storedComplaints([]complaintRow{{ID: 1, Reference: "CW-2222-3333", Channel: "data_breach", ReceivedAt: stop.AddDate(0, 0, 3),
		Member: &yes, WorkAddress: &no, AskedToStopOn: &stop, BreachWhere: "group_chat", BreachExposed: []string{"phone_number", "party_membership"}}})
	require.Len(t, scs, 1)
	in := scs[0].in
	require.Equal(t, triage.Yes, in.Member)
	require.Equal(t, triage.No, in.WorkAddress)
	// The date column's midnight UTC, as the London day intake reads.
	require.Equal(t, triage.Date{Time: time.Date(2026, 11, 20, 0, 0, 0, 0, vocab.London), DayOnly: true}, in.AskedToStopOn)
	require.Equal(t, "group_chat", in.BreachWhere)
	require.Equal(t, []string{"phone_number", "party_membership"}, in.BreachExposed)
	require.Empty(t, in.Contacted, "the contacted number is personal data the engine is not given")

	none := storedComplaints([]complaintRow{{ID: 2, Channel: "sms"}})[0].in
	require.Equal(t, triage.OptBool{}, none.Member)
	require.True(t, none.AskedToStopOn.Time.IsZero())
}
