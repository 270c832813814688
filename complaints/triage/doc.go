// Package triage judges a complaint against the regulator's triage policy:
// which channels it concerns (several, with a primary one), which
// provisions and guidance points it engages, how urgent it is, whether
// another body handles it instead (a referral), and why.
//
// The policy is data: a Rulebook loaded from YAML (the default is embedded,
// RULEBOOK=path replaces it) and validated before use. Everything that is
// wording — English and Welsh cue phrases, number words, the complainant's
// own acts that are not the sender's — lives in the rulebook; the engine
// only knows general mechanisms (word phrases with inflections, Welsh
// mutations and word sets, negation, exceptions, cue groups that match
// together, counts, facts read from text when an answer is missing, rules
// that refer to rules). The Engine
// built from it is pure: Triage takes a Complaint and a Context
// (registered elections, the party registry, counts of recent complaints
// about the same sender) and returns a Result without any I/O, so the same
// engine serves the intake pipeline, the command line and the benchmarks.
// The package does no I/O: a Context from the database comes from a
// ContextSource (complaints.TriageSource).
//
// Engine.Score judges the engine against labelled cases (ReadCases reads
// the file format), giving the figures the policy sets targets for; it is
// what `campaignwatch triage score` and the public-words test run.
package triage
