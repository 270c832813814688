package review

import (
	"context"

	"github.com/campaignwatch/campaignwatch/complaints/review/internal/dbsqlc"
)

// TextCandidatesSQL is the text candidate read, for tests that watch for it.
var TextCandidatesSQL = record(func(q *dbsqlc.Queries) {
	_, _ = q.TextCandidates(context.Background(), dbsqlc.TextCandidatesParams{})
}).sql
