package legal

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEveryProvisionCitesInBothLanguages(t *testing.T) {
	for _, p := range Provisions() {
		for _, lang := range Languages {
			c, err := Cite(p.ID, lang)
			require.NoError(t, err, p.ID)
			require.NotContains(t, c, p.ID, "a citation never shows the internal id")
			require.NotEmpty(t, p.About[lang], "%s says what it is about in %s", p.ID, lang)
			if lang == "cy" {
				require.NotContains(t, " "+c+" ", " and ", "%s in Welsh has English in it: %q", p.ID, c)
			}
		}
	}
	c, _ := Cite("UKGDPR-21", "cy")
	require.Equal(t, "Erthygl 21(2) a (3) o GDPR y DU", c)
	c, _ = Cite("PECR-22", "en")
	require.Equal(t, "regulation 22 of the Privacy and Electronic Communications Regulations 2003", c)
	c, _ = Cite("DPA-2018", "en")
	require.Equal(t, "the Data Protection Act 2018", c)
}

func TestUnknownKeyNamesWhatIsKnown(t *testing.T) {
	_, err := Cite("PECR-99", "en")
	require.Error(t, err)
	require.True(t, strings.Contains(err.Error(), "PECR-99") && strings.Contains(err.Error(), "UKGDPR"), err.Error())
	require.False(t, Known("G1"), "guidance points are not laws")
}

func TestRankOrdersProvisionsAsTheLawDoes(t *testing.T) {
	p19, _ := ProvisionByID("PECR-19")
	p21, _ := ProvisionByID("PECR-21")
	a5, _ := ProvisionByID("UKGDPR-5-1-f")
	require.Less(t, p19.Rank(), p21.Rank())
	require.Equal(t, 5, a5.Rank())
}
