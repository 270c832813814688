package audits

import "testing"

func TestFindingAreasNamesTheAuditsOwnAreasInOrder(t *testing.T) {
	recs := []Recommendation{{Area: "accountability"}, {Area: "privacy_information"}, {Area: "accountability"}, {Area: "lawful_basis"}}
	for lang, want := range map[string]string{
		"en": "privacy information, lawful basis and accountability",
		"cy": "gwybodaeth preifatrwydd, sail gyfreithlon ac atebolrwydd",
	} {
		if got := findingAreas(recs, lang); got != want {
			t.Errorf("findingAreas(%s) = %q, want %q", lang, got, want)
		}
	}
	if got := findingAreas([]Recommendation{{Area: "profiling"}, {Area: "lawful_basis"}}, "cy"); got != "sail gyfreithlon a phroffilio" {
		t.Errorf("Welsh 'a' before a consonant: got %q", got)
	}
	withOther := append(recs, Recommendation{Area: "other"})
	if got := findingAreas(withOther, "en"); got != "privacy information, lawful basis, accountability and other matters" {
		t.Errorf("other: got %q", got)
	}
	if got := findingAreas(withOther, "cy"); got != "gwybodaeth preifatrwydd, sail gyfreithlon, atebolrwydd a materion eraill" {
		t.Errorf("other in Welsh: got %q", got)
	}
	if got := findingAreas(recs[1:2], "en"); got != "privacy information" {
		t.Errorf("one area: got %q", got)
	}
}
