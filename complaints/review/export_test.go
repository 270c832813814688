package review

// TextCandidatesSQL is the text candidate read, for tests that watch for it.
var TextCandidatesSQL = textCandidates
