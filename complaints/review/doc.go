// Package review is where triage meets the service: the pipeline that
// triages each new complaint with the rulebook engine (complaints/triage)
// and keeps every result, the clusters of complaints about the same
// sender or with near-identical text, and the staff side of triage — the
// queue, the triage panel, officers' decisions, assignment and closing.
//
// The pipeline runs as the River job complaints.TriageArgs. One run locks
// its complaint and a batch of others still awaiting triage, indexes their
// senders and texts, forms or joins their clusters (set-based, for the
// whole batch at once), builds the engine's
// Context from the database (registered elections, the party registry,
// how many complaints about the same sender or in the same cluster arrived
// in the seven days before), runs the engine and stores the results — all
// in one transaction (see Pipeline for why it batches). A result is keyed by the
// rulebook's version and content hash, so a re-run with the same rulebook
// adds nothing, and a re-run after a rulebook change adds a new current
// result while keeping the old ones as history.
//
// Officers' decisions never change a stored result: an acceptance or an
// override (with its reason) is a row of its own beside the result it
// judged, and the complaint carries the effective priority.
package review
