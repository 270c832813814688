// Package vocab is the complaint vocabulary, defined once: the channels a
// complaint arrives by, the triage priorities (the bands a rulebook maps
// scores to), the review statuses and outcomes, the UK nations, each with
// its code and its English and Welsh labels, and the London clock every
// date is reckoned in.
//
// Codes are what the database stores and the API speaks; the migrations'
// CHECK constraints accept exactly these. Labels keep the wording pages,
// reports and emails already use; where a page says a thing differently
// (the public form's "A text message", a report's "Closed: no breach
// found") the term carries that wording too, so there is still one place
// to change it. The public form's catalogues (web/locales) take the
// channel choices from here rather than repeating them.
//
// The triage rulebook names its own priorities; CheckRulebook refuses at
// start-up a rulebook whose bands name a priority the database cannot
// store, reading the constraints from pg_catalog.
package vocab
