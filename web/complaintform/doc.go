// Package complaintform is the public complaint form at /complaints/new:
// one page per concern, GOV.UK Design System patterns, no JavaScript,
// English and Welsh. Answers travel in the person's encrypted cookie
// (draft.go) until the final "Send" hands them to complaints.Service.Submit,
// which stores the complaint, its evidence and its triage job in one
// transaction; the confirmation is shown only after that has committed.
//
// The package is cut by responsibility: steps.go is the order of the pages
// and the page handler, answers.go reads and checks the answers and turns
// them into a complaints.Submission, evidence.go takes the files, send.go
// sends the complaint and shows the confirmation, view.go lays out the
// pages, draft.go keeps the draft in its cookie, parties.go offers the
// registered parties. Its pages are in pages/ and its wording in locales/.
//
// Which pages a complaint sees follows complaints.Asks, the rule the API
// applies too: a personal data breach is asked where it happened, how many
// people's details were exposed and what they showed; texts, emails and
// calls are asked the number or address contacted, a work address,
// membership and, after a "yes" to having asked the sender to stop, the
// day they asked. When intake finds the complaint is for another body
// (complaints.Receipt.Referral), the confirmation page names it in the
// rulebook's words (Deps.Referral).
//
// The form owns no tables and builds no services: package web mounts it
// with Register, passing what it needs (Deps) and the site's shared
// plumbing (Host: the layout, sessions' cookies, CSRF, body limits, the
// client's address and the rate limits the form shares with the API).
package complaintform
