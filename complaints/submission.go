// Package complaints receives complaints from the public (the web form and
// the JSON API) and from staff imports, checks and normalises them, and keeps
// them in PostgreSQL together with their evidence and their triage job.
package complaints

import (
	"context"
	"time"
)

// The answers to "had you given them permission".
const (
	ConsentYes    = "yes"
	ConsentNo     = "no"
	ConsentUnsure = "unsure"
)

// Submission is one complaint as the public (form or API) gave it.
type Submission struct {
	Channel           string // sms,email,automated_call,live_call,bcc_breach,data_breach,social_media_ad,other
	PartyID           *int64 // chosen from the registry, or nil
	PartyText         string // "not sure / other" free text (or the API's party when it matches no registry entry)
	ReceivedAt        time.Time
	ReceivedAtHasTime bool
	Sender            string
	Message           string
	Description       string
	Consent           string // yes,no,unsure
	OptedOut          *bool
	TPSRegistered     *bool
	SenderIdentified  *bool
	OptOutOffered     *bool
	RecipientsVisible *int
	SpecialCategory   *bool
	TargetingReason   string // adverts: why they think they were targeted

	// The structured facts of triage policy 2, each optional and asked
	// only where it decides the law (questions.go).

	// Contacted is the number or address the sender contacted: the
	// complainant's own, so it is stored with the complainant's details
	// and erased with them.
	Contacted string
	// Member: a member or supporter who signed up to hear from the sender.
	Member *bool
	// WorkAddress: the message went to a work number or address.
	WorkAddress *bool
	// AskedToStopOn is the day they asked the sender to stop (midnight UK
	// time), or nil.
	AskedToStopOn *time.Time
	// BreachWhere and BreachExposed answer the data_breach questions
	// (vocab.BreachPlaces, vocab.ExposedData codes).
	BreachWhere   string
	BreachExposed []string
	Complainant   *Complainant
	Evidence      []Evidence
	Lang          string // "en" or "cy": acknowledgement email language
	Source        string // "web", "api", or an import source name
	// SourceID is the importing source's own id for the row; empty for
	// the form and the API.
	SourceID string
	// EvidenceDraft is the key of a public form draft whose files, checked
	// when uploaded and waiting in the database, become the complaint's
	// evidence (see drafts.go); nil for none.
	EvidenceDraft []byte
	// EvidenceDraftFiles are the ids of the draft's files the person saw
	// when they chose to send. Submit refuses to store the complaint when
	// the draft's files are not exactly these (one expired in between).
	EvidenceDraftFiles []int64

	// notAsked are the answers Normalize removed because the channel does
	// not ask them (questions.go); Validate refuses them.
	notAsked []string
}

// Complainant is the optional "about you" part of a complaint. It is stored
// apart from the complaint so it can be erased after the retention period.
type Complainant struct {
	Name, Email, Phone, Postcode string
	MayContact                   bool
}

// Evidence is one uploaded file.
type Evidence struct {
	Filename    string
	ContentType string
	Data        []byte
}

// Meta is about the request, not the complaint; never stored beyond what is needed.
type Meta struct {
	IP             string
	UserAgent      string
	IdempotencyKey string
	// RequestHash identifies the request that carried IdempotencyKey (the
	// API uses the SHA-256 of the body): the key repeated with another
	// request is refused rather than answered with the first one's
	// complaint. Nil when the key alone identifies the request.
	RequestHash []byte
	// Charge is whom a public submission's inline evidence (the API's)
	// is counted against, so it shares the form's quotas; nil for staff
	// and imports, which are not charged.
	Charge *EvidenceCharge
}

// Receipt is what the submitter is told once the complaint is committed.
type Receipt struct {
	Reference   string
	ComplaintID int64
	// Referral is the id of the triage rulebook's referral when what the
	// complaint is about is for another body (the confirmation page and
	// the acknowledgement say where to go); empty otherwise.
	Referral string
	// DuplicateOf is the reference of the first complaint when this one was
	// linked to it as a duplicate.
	DuplicateOf string
}

// Evidence limits shared by the form and the API.
const (
	MaxEvidenceFiles = 5
	MaxEvidenceBytes = 10 << 20
)

// Text length limits, in characters.
const (
	MaxShortText = 200
	MaxLongText  = 10000
)

var _ = context.Background
