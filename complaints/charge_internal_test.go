package complaints

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
)

// The intake is two round trips; a submission without evidence, or one
// that is not charged (staff, imports), must not gain a statement.
func TestQueueChargeOnlyForChargedEvidence(t *testing.T) {
	c := &EvidenceCharge{ClientKey: []byte("client"), Quota: DraftQuota{ClientBytes: 1 << 20}}
	withFile := &Submission{Evidence: []Evidence{{Filename: "a.png", ContentType: "image/png", Data: []byte("x")}}}
	for _, tc := range []struct {
		name string
		sub  *Submission
		c    *EvidenceCharge
		want int
	}{
		{"no evidence", &Submission{}, c, 0},
		{"not charged", withFile, nil, 0},
		{"charged evidence", withFile, c, 1},
	} {
		var l lookups
		b := &pgx.Batch{}
		l.queueCharge(context.Background(), b, 1, tc.sub, tc.c)
		assert.Equal(t, tc.want, b.Len(), "%s: statements queued", tc.name)
		if tc.want == 0 {
			assert.NoError(t, l.checkCharge(), "%s: refused what was not charged", tc.name)
		}
	}
}
