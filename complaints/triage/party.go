package triage

import "strings"

// Party is a registered party as the matcher sees it.
type Party struct {
	Name      string
	ShortName string
	Aliases   []string
	Nations   []string
}

// partyIndex matches free text against party names, short names and
// aliases, ignoring case, punctuation, spacing, accents, a leading "the"
// and a trailing "party" or plural "s" ("Lib Dems", "libdem", "the Tory
// party" and "Tories" all find their party).
type partyIndex struct {
	parties []Party
	byKey   map[string]int
	names   []partyName // for finding a name inside longer text
	// known holds the answers for the registered spellings themselves
	// ("Labour", "Lib Dems"), the usual party field, so they need no
	// folding.
	known map[string]int
}

type partyName struct {
	words []string
	party int
}

func newPartyIndex(parties []Party) *partyIndex {
	ix := &partyIndex{parties: parties, byKey: map[string]int{}, known: map[string]int{}}
	// Full names win over short names, which win over aliases, when two
	// parties share a key.
	for pass := 0; pass < 3; pass++ {
		for i, pt := range parties {
			var names []string
			switch pass {
			case 0:
				names = []string{pt.Name}
			case 1:
				names = []string{pt.ShortName}
			case 2:
				names = pt.Aliases
			}
			for _, n := range names {
				words := splitWords(FoldName(n))
				if len(words) == 0 {
					continue
				}
				ix.names = append(ix.names, partyName{words: words, party: i})
				for _, k := range nameKeys(words) {
					if _, taken := ix.byKey[k]; !taken {
						ix.byKey[k] = i
					}
				}
			}
		}
	}
	for _, pt := range parties {
		for _, n := range append([]string{pt.Name, pt.ShortName}, pt.Aliases...) {
			if i, ok := ix.find(n); ok {
				ix.known[n] = i
			}
		}
	}
	return ix
}

// nameKeys are the spellings a name is known by once folded.
func nameKeys(words []string) []string {
	if len(words) > 1 && words[0] == "the" {
		words = words[1:]
	}
	if len(words) > 1 && words[len(words)-1] == "party" {
		words = words[:len(words)-1]
	}
	k := strings.Join(words, "")
	keys := []string{k}
	if len(k) > 3 && strings.HasSuffix(k, "s") {
		keys = append(keys, strings.TrimSuffix(k, "s"))
	}
	if len(k) > 3 && strings.HasSuffix(k, "ies") {
		keys = append(keys, strings.TrimSuffix(k, "ies")+"y") // tories → tory
	}
	return keys
}

// match finds the party named in text: first as a whole, then as the
// longest name found inside it ("Labour candidate for Leeds").
func (ix *partyIndex) match(text string) (int, bool) {
	if ix == nil {
		return -1, false
	}
	if i, ok := ix.known[text]; ok {
		return i, true
	}
	return ix.find(text)
}

// find is match without the registered spellings' answers.
func (ix *partyIndex) find(text string) (int, bool) {
	if strings.TrimSpace(text) == "" {
		return -1, false
	}
	words := splitWords(FoldName(text))
	for _, k := range nameKeys(words) {
		if i, ok := ix.byKey[k]; ok {
			return i, true
		}
	}
	best, bestLen := -1, 0
	for _, n := range ix.names {
		if len(n.words) <= bestLen {
			continue
		}
		if containsWords(words, n.words) {
			best, bestLen = n.party, len(n.words)
		}
	}
	return best, best >= 0
}

func containsWords(hay, needle []string) bool {
outer:
	for i := 0; i+len(needle) <= len(hay); i++ {
		for j, w := range needle {
			if hay[i+j] != w && strings.TrimSuffix(hay[i+j], "s") != strings.TrimSuffix(w, "s") {
				continue outer
			}
		}
		return true
	}
	return false
}
