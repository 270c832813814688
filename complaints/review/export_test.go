package review

import (
	"context"

	"github.com/campaignwatch/campaignwatch/complaints/review/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/internal/database"
)

// TextCandidatesSQL is the text candidate read, for tests that watch for it.
var TextCandidatesSQL, _ = database.Statement(newQueries, func(q *dbsqlc.Queries) {
	_, _ = q.TextCandidates(context.Background(), dbsqlc.TextCandidatesParams{})
})
