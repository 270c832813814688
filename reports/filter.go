package reports

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/sqlfilter"
)

// Filter chooses the complaints a report covers: those linked to an
// election, or received in a date range, optionally only about some
// parties and through some channels.
type Filter struct {
	// ElectionID selects the complaints linked to one election. Zero means
	// use From and To instead.
	ElectionID int64 `json:"election_id,omitempty"`
	// From and To are days (Europe/London), both included.
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`
	// PartyIDs and Channels narrow the selection; empty means all.
	PartyIDs []int64  `json:"party_ids,omitempty"`
	Channels []string `json:"channels,omitempty"`
	// IncludeText adds the message and description, redacted, to each
	// complaint row.
	IncludeText bool `json:"include_text,omitempty"`

	// inScope leaves out complaints triage found out of scope, and
	// outOfScope keeps only those: a party's follow-up report counts the
	// first against the party and only says how many of the second there
	// were. Neither is part of a stored export's filter.
	inScope, outOfScope bool
	// touches keeps the complaints that touch an audit recommendation
	// (see AuditLink): triaged under one of touchProvisions or reported
	// through one of touchChannels.
	touches                        bool
	touchProvisions, touchChannels []string
}

// ParseIDs reads a comma-separated list of ids.
func ParseIDs(v string) ([]int64, error) {
	var ids []int64
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("%q is not an id", p)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// SplitList splits a comma-separated list, dropping empty items.
func SplitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Validate checks the filter is complete and consistent.
func (f *Filter) Validate() error {
	var fe []apperr.FieldError
	switch {
	case f.ElectionID == 0 && (f.From.IsZero() || f.To.IsZero()):
		fe = append(fe, apperr.FieldError{Field: "election", Message: "Choose an election, or enter both a start and an end date"})
	case f.ElectionID != 0 && (!f.From.IsZero() || !f.To.IsZero()):
		fe = append(fe, apperr.FieldError{Field: "from", Message: "Choose an election or a date range, not both"})
	case f.ElectionID == 0 && f.To.Before(f.From):
		fe = append(fe, apperr.FieldError{Field: "to", Message: "The end date must be the same as or after the start date"})
	}
	for _, c := range f.Channels {
		if !vocab.IsChannel(c) {
			fe = append(fe, apperr.FieldError{Field: "channel", Message: fmt.Sprintf("%q is not a channel; use one of %s", c, strings.Join(vocab.ChannelCodes(), ", "))})
		}
	}
	if len(fe) > 0 {
		return apperr.Fields(fe...)
	}
	return nil
}

// query starts the named statement of trends.sql with the conditions
// selecting the filter's complaints.
func (f *Filter) query(name string) *sqlfilter.Builder {
	b := trendQueries.Builder(name)
	if f.ElectionID != 0 {
		b.Where("election", "election_id", f.ElectionID)
	} else {
		b.Where("from", "from", f.From)
		b.Where("to", "to", f.To.AddDate(0, 0, 1))
	}
	if len(f.PartyIDs) > 0 {
		b.Where("parties", "party_ids", f.PartyIDs)
	}
	if len(f.Channels) > 0 {
		b.Where("channels", "channels", f.Channels)
	}
	if f.inScope {
		b.Where("in_scope")
	}
	if f.outOfScope {
		b.Where("out_of_scope")
	}
	if f.touches {
		b.Where("touches", "touch_provisions", nonNil(f.touchProvisions), "touch_channels", nonNil(f.touchChannels))
	}
	return b
}

//go:embed trends.sql
var trendsSQL string

// trendQueries are the statements whose WHERE clause is a Filter.
var trendQueries = sqlfilter.MustParse("trends.sql", trendsSQL)

// nonNil is s, or an empty list for nil, so an array parameter is never
// NULL (which && would turn into no rows at all).
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
