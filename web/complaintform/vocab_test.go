package complaintform

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/web/internal/i18n"
)

// The form's channel choices come from complaints/vocab alone: the
// catalogues have them, and the JSON files do not repeat them.
func TestChannelChoicesComeFromTheVocabulary(t *testing.T) {
	for _, lang := range i18n.Languages {
		b, err := localesFS.ReadFile("locales/" + lang + ".json")
		require.NoError(t, err)
		var file map[string]string
		require.NoError(t, json.Unmarshal(b, &file))
		for _, c := range vocab.Channels {
			require.NotContains(t, file, "channel."+c.Code, "locales/%s.json", lang)
			require.Equal(t, c.Choice.In(lang), translate(lang, "channel."+c.Code))
		}
	}
	require.Equal(t, "A text message", translate(i18n.English, "channel.sms"))
	require.Equal(t, "Galwad gan berson go iawn", translate(i18n.Welsh, "channel.live_call"))
}
