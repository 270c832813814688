package complaints

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/database"
)

// ImportColumns are the columns an import file may have; source_id and
// received_at are required.
var ImportColumns = []string{
	"source_id", "channel", "party", "received_at", "sender", "message", "description", "consent",
	"opted_out", "tps_registered", "sender_identified", "opt_out_offered", "recipients_visible",
	"special_category", "targeting_reason", "contacted", "member", "work_address", "asked_to_stop_on",
	"breach_where", "breach_exposed", "complainant_name", "complainant_email",
	"complainant_phone", "complainant_postcode", "complainant_may_contact",
}

// MaxImportRows bounds one import file.
const MaxImportRows = 50000

// RowError is one problem in an import file. Row counts the header as 1,
// as spreadsheets do.
type RowError struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// ImportOptions choose how strict an import is.
type ImportOptions struct {
	Source      string
	SkipInvalid bool // store the valid rows even when some are invalid
	DryRun      bool // check everything, store nothing
}

// ImportReport says what an import did.
type ImportReport struct {
	Rows     int        `json:"rows"`
	Created  int        `json:"created"`
	Existing int        `json:"existing"` // already imported from this source
	Invalid  int        `json:"invalid"`
	Errors   []RowError `json:"errors"`
	Stored   bool       `json:"stored"`
}

// ReadImportFile reads a CSV or XLSX file (by its name's extension, or its
// content when the name says neither) into a header and rows.
func ReadImportFile(name string, data []byte) ([]string, [][]string, error) {
	lower := strings.ToLower(name)
	isXLSX := strings.HasSuffix(lower, ".xlsx") || (!strings.HasSuffix(lower, ".csv") && bytes.HasPrefix(data, []byte("PK\x03\x04")))
	var all [][]string
	if isXLSX {
		// Limits on the unzipped size keep a small "zip bomb" upload from
		// taking the server's memory.
		f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 256 << 20, UnzipXMLSizeLimit: 64 << 20})
		if err != nil {
			return nil, nil, apperr.Wrap(apperr.Invalid, err, "The file is not a readable XLSX workbook.")
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, nil, apperr.New(apperr.Invalid, "The workbook has no sheets.")
		}
		all, err = f.GetRows(sheets[0])
		if err != nil {
			return nil, nil, apperr.Wrap(apperr.Invalid, err, "The first sheet of the workbook could not be read.")
		}
	} else {
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))))
		r.FieldsPerRecord = -1
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, nil, apperr.Wrap(apperr.Invalid, err, "The CSV file could not be read: %v.", err)
			}
			all = append(all, rec)
		}
	}
	if len(all) == 0 {
		return nil, nil, apperr.New(apperr.Invalid, "The file is empty; it needs a header row naming the columns.")
	}
	if len(all)-1 > MaxImportRows {
		return nil, nil, apperr.New(apperr.Invalid, "The file has %d rows; split it into files of %d rows or fewer.", len(all)-1, MaxImportRows)
	}
	header := make([]string, len(all[0]))
	for i, h := range all[0] {
		header[i] = strings.ToLower(strings.TrimSpace(h))
	}
	return header, all[1:], nil
}

// CheckImportSource is the field error for src as the source an import
// names, or nil when src may be used. An import must name itself, and not
// as web or api, which mark the complaints those channels stored, so an
// import's complaints are never mistaken for them.
func CheckImportSource(src string) *apperr.FieldError {
	if src = strings.TrimSpace(src); src == "" || src == "web" || src == "api" {
		fe := fieldErr("source", "invalid", "Name the source of the file, for example phone-line or spam-reports (not web or api)")
		return &fe
	}
	return nil
}

// Import stores the rows of an import file from source. Rows already
// imported (same source and source_id) are counted as existing, not
// stored again. Unless opts.SkipInvalid, one invalid row means nothing is
// stored. Each stored complaint gets its triage job in the same transaction.
func (s *Service) Import(ctx context.Context, header []string, rows [][]string, opts ImportOptions) (ImportReport, error) {
	src := cleanLine(opts.Source)
	if fe := CheckImportSource(src); fe != nil {
		return ImportReport{}, apperr.Fields(*fe)
	}
	col := map[string]int{}
	known := map[string]bool{}
	for _, c := range ImportColumns {
		known[c] = true
	}
	var rep ImportReport
	for i, h := range header {
		if h == "" {
			continue
		}
		if !known[h] {
			rep.Errors = append(rep.Errors, RowError{Row: 1, Column: h, Message: "Unknown column; the columns are: " + strings.Join(ImportColumns, ", ")})
			continue
		}
		if _, dup := col[h]; dup {
			rep.Errors = append(rep.Errors, RowError{Row: 1, Column: h, Message: "This column appears twice"})
		}
		col[h] = i
	}
	for _, req := range []string{"source_id", "received_at"} {
		if _, ok := col[req]; !ok {
			rep.Errors = append(rep.Errors, RowError{Row: 1, Column: req, Message: "Add this column; every row needs it"})
		}
	}
	if len(rep.Errors) > 0 {
		return rep, nil
	}

	now := s.now()
	seen := map[string]int{}
	var subs []*Submission
	for i, rec := range rows {
		rowNo := i + 2
		get := func(c string) string {
			if j, ok := col[c]; ok && j < len(rec) {
				return rec[j]
			}
			return ""
		}
		blank := true
		for _, v := range rec {
			if strings.TrimSpace(v) != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		rep.Rows++
		sub, errs := rowSubmission(get, src)
		reported := map[string]bool{}
		for _, e := range errs {
			reported[e.Column] = true
		}
		sub.Normalize()
		for _, fe := range apperr.FieldsOf(sub.Validate(now)) {
			if c := importColumn(fe.Field); !reported[c] {
				errs = append(errs, RowError{Column: c, Message: fe.Message})
			}
		}
		if sub.SourceID == "" {
			errs = append(errs, RowError{Column: "source_id", Message: "Enter the source's own id for this complaint"})
		} else if first, dup := seen[sub.SourceID]; dup {
			errs = append(errs, RowError{Column: "source_id", Message: fmt.Sprintf("The same source_id is on row %d", first)})
		} else {
			seen[sub.SourceID] = rowNo
		}
		if len(errs) > 0 {
			rep.Invalid++
			for _, e := range errs {
				e.Row = rowNo
				rep.Errors = append(rep.Errors, e)
			}
			continue
		}
		subs = append(subs, sub)
	}
	if opts.DryRun || (rep.Invalid > 0 && !opts.SkipInvalid) || len(subs) == 0 {
		return rep, nil
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// Up to MaxImportRows complaints in one transaction may take
		// longer than the pool's statement timeout allows a request; the
		// import's own deadline (the web layer's import deadline) bounds
		// it instead.
		if err := database.LongWork(ctx, tx); err != nil {
			return err
		}
		rep.Created, rep.Existing = 0, 0
		for _, sub := range subs {
			_, created, err := s.storeTx(ctx, tx, sub, Meta{}, false)
			if err != nil {
				return err
			}
			if created {
				rep.Created++
			} else {
				rep.Existing++
			}
		}
		return audit.Record(ctx, tx, "complaints.import", "complaint_import", src, audit.Change{After: map[string]any{
			"rows": rep.Rows, "created": rep.Created, "existing": rep.Existing, "invalid": rep.Invalid,
		}})
	})
	if err != nil {
		return rep, err
	}
	rep.Stored = true
	return rep, nil
}

// importColumn maps a validation field name to the file's column name.
func importColumn(field string) string {
	if after, ok := strings.CutPrefix(field, "complainant."); ok {
		return "complainant_" + after
	}
	return field
}

func rowSubmission(get func(string) string, source string) (*Submission, []RowError) {
	var errs []RowError
	sub := &Submission{
		Source: source, SourceID: get("source_id"), Channel: get("channel"), PartyText: get("party"),
		Sender: get("sender"), Message: get("message"), Description: get("description"),
		Consent: get("consent"), TargetingReason: get("targeting_reason"), Lang: "en",
		Contacted: get("contacted"), BreachWhere: get("breach_where"),
	}
	if v := strings.TrimSpace(get("received_at")); v != "" {
		t, hasTime, ok := ParseReceivedAt(v)
		if !ok {
			t, hasTime, ok = parseLooseDate(v)
		}
		if !ok {
			errs = append(errs, RowError{Column: "received_at", Message: "Enter the date as YYYY-MM-DD (for example 2024-03-27) or DD/MM/YYYY, or a time as 2024-03-27T14:05:00Z"})
		}
		sub.ReceivedAt, sub.ReceivedAtHasTime = t, hasTime
	}
	for _, b := range []struct {
		col string
		dst **bool
	}{{"opted_out", &sub.OptedOut}, {"tps_registered", &sub.TPSRegistered}, {"sender_identified", &sub.SenderIdentified},
		{"opt_out_offered", &sub.OptOutOffered}, {"special_category", &sub.SpecialCategory},
		{"member", &sub.Member}, {"work_address", &sub.WorkAddress}} {
		v, ok := parseYesNo(get(b.col))
		if !ok {
			errs = append(errs, RowError{Column: b.col, Message: "Enter yes or no, or leave it empty if not known"})
		}
		*b.dst = v
	}
	if v := strings.TrimSpace(get("recipients_visible")); v != "" {
		n, err := strconv.Atoi(strings.ReplaceAll(v, ",", ""))
		if err != nil {
			errs = append(errs, RowError{Column: "recipients_visible", Message: "Enter a whole number from 0 to 1,000,000"})
		} else {
			sub.RecipientsVisible = &n
		}
	}
	if v := strings.TrimSpace(get("asked_to_stop_on")); v != "" {
		t, ok := ParseDay(v)
		if !ok {
			var hasTime bool
			t, hasTime, ok = parseLooseDate(v)
			ok = ok && !hasTime
		}
		if !ok {
			errs = append(errs, RowError{Column: "asked_to_stop_on", Message: "Enter the day as YYYY-MM-DD (for example 2024-03-27) or DD/MM/YYYY"})
		} else {
			sub.AskedToStopOn = &t
		}
	}
	// Several answers share the cell, separated as people separate them
	// in a spreadsheet.
	sub.BreachExposed = strings.FieldsFunc(get("breach_exposed"), func(r rune) bool { return r == ',' || r == ';' || r == '|' })
	c := &Complainant{Name: get("complainant_name"), Email: get("complainant_email"), Phone: get("complainant_phone"), Postcode: get("complainant_postcode")}
	mc, ok := parseYesNo(get("complainant_may_contact"))
	if !ok {
		errs = append(errs, RowError{Column: "complainant_may_contact", Message: "Enter yes or no"})
	}
	c.MayContact = mc != nil && *mc
	sub.Complainant = c
	return sub, errs
}

func parseYesNo(v string) (*bool, bool) {
	t, f := true, false
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "":
		return nil, true
	case "yes", "y", "true", "1":
		return &t, true
	case "no", "n", "false", "0":
		return &f, true
	}
	return nil, false
}
