// Package triage judges a complaint against the regulator's triage policy:
// which channel it concerns, which provisions and guidance points it
// engages, how urgent it is, and why.
//
// The policy is data: a Rulebook loaded from YAML (the default is embedded,
// RULEBOOK=path replaces it) and validated before use. The Engine built
// from it is pure: Triage takes a Complaint and a Context (registered
// elections, the party registry, counts of recent complaints about the same
// sender) and returns a Result without any I/O, so the same engine serves
// the intake pipeline, the command line and the benchmarks. The package
// does no I/O: a Context from the database comes from a ContextSource
// (complaints.TriageSource).
package triage
