package triage

import (
	"slices"
	"sync"
)

// FactFields lists the complaint fields the rulebook's conditions can
// test, by the names a rationale gives them ("sender_identified = false").
// Code that puts a rationale into words needs words for each of them.
func FactFields() []string { return slices.Clone(fieldNames[:]) }

// defaultTitles maps each provision and guidance point of the embedded
// rulebook to what it says, read once.
var defaultTitles = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	rb, err := DefaultRulebook()
	if err != nil {
		return m
	}
	for _, p := range rb.Provisions {
		m[p.ID] = p.Title
	}
	for _, g := range rb.Guidance {
		m[g.ID] = g.Text
	}
	return m
})

// CodeTitle is what a provision (its title) or a guidance point (its
// text) of the embedded rulebook says, or "" when the rulebook does not
// know the id.
func CodeTitle(id string) string { return defaultTitles()[id] }
