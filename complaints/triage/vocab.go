package triage

// BandPriorities are the priorities the rulebook's bands assign, lowest
// band first; vocab.CheckRulebook compares them with what the database
// can store.
func (rb *Rulebook) BandPriorities() []string {
	out := make([]string, len(rb.Bands))
	for i, b := range rb.Bands {
		out[i] = b.Priority
	}
	return out
}

// Origin says where the rulebook came from: "embedded" or a path.
func (rb *Rulebook) Origin() string { return rb.Source }
