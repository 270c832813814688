package complaints

import (
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// The duplicate window is written into FirstDuplicate's text, not passed
// as a parameter (see complaints.sql), so the query and DuplicateWindow
// must be changed together.
func TestFirstDuplicateUsesTheDuplicateWindow(t *testing.T) {
	sql, err := os.ReadFile("queries/complaints.sql")
	require.NoError(t, err)
	require.Contains(t, string(sql), fmt.Sprintf("created_at >= now() - interval '%d seconds'", int(DuplicateWindow.Seconds())))
}
