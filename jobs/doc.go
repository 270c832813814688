// Package jobs configures campaignwatch's one River client.
//
// NewClient builds the client on a Registry with the service's queues,
// worker counts, retry policy, job timeout, logger and metrics in this one
// place. Every feature package adds its workers and periodic jobs to the
// Registry at start-up, before Start: the composition root (internal/app)
// builds the client first, so the services can be given it, and registers
// their workers after. Jobs are inserted with InsertTx in the same
// transaction as the user action that causes them, so an action and its
// follow-up work commit or roll back together.
//
// Queues:
//   - default: short jobs such as triage.
//   - mail: anything that talks to the SMTP server; its concurrency bounds
//     the number of open SMTP connections.
//   - reports: long exports and report rendering, kept apart so they cannot
//     starve the other two.
package jobs
