package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/spreadsheet"
)

// complaintImportBodyLimit bounds an uploaded import file.
const complaintImportBodyLimit = 25 << 20

type complaintsListData struct {
	Page      complaints.Page
	Query     url.Values
	NextURL   string
	Parties   []complaints.PartyOption
	Elections []complaints.PartyOption
	Channels  []string
	// Priorities are vocab's, most pressing first, for the filter.
	Priorities []vocab.Term
	// Referrals are the bodies an out-of-scope complaint can be referred
	// to, for the filter.
	Referrals []complaints.ReferralChoice
}

func (s *Server) handleComplaintsList(w http.ResponseWriter, r *http.Request) {
	f, ferr := complaintFilter(r)
	data := complaintsListData{Query: r.URL.Query(), Channels: vocab.ChannelCodes(), Priorities: vocab.Priorities,
		Referrals: complaints.ReferralChoices()}
	var err error
	if data.Parties, err = s.complaints.Parties(r.Context()); err != nil {
		s.Error(w, r, err)
		return
	}
	if data.Elections, err = s.complaints.Elections(r.Context()); err != nil {
		s.Error(w, r, err)
		return
	}
	if ferr != nil {
		s.render(w, r, http.StatusUnprocessableEntity, "complaints_staff_list", page{Errors: apperr.FieldsOf(ferr), Data: data})
		return
	}
	f.Limit = 50
	data.Page, err = s.complaints.List(r.Context(), f)
	if err != nil {
		if fe := apperr.FieldsOf(err); fe != nil {
			s.render(w, r, http.StatusUnprocessableEntity, "complaints_staff_list", page{Errors: fe, Data: data})
			return
		}
		s.Error(w, r, err)
		return
	}
	if data.Page.NextCursor != "" {
		q := r.URL.Query()
		q.Set("cursor", data.Page.NextCursor)
		data.NextURL = "/staff/complaints?" + q.Encode()
	}
	s.render(w, r, http.StatusOK, "complaints_staff_list", page{Data: data})
}

type complaintPageData struct {
	C              *complaints.Detail
	History        any
	People         staffNames
	CanSeeDetails  bool
	ShowingDetails bool
}

// handleComplaint shows one complaint: the staff page, or the API's JSON
// (isAPI). The API includes the complainant for every role that may see
// them; the page only once they ask (?complainant=show), and adds the
// complaint's history.
func (s *Server) handleComplaint(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	ref := mux.Vars(r)["reference"]
	can := u.Can(complaintDetailRoles...)
	api := isAPI(r)
	show := can && (api || r.URL.Query().Get("complainant") == "show")
	d, err := s.complaints.Get(r.Context(), ref, show)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if api {
		writeJSON(w, http.StatusOK, complaintJSON(d))
		return
	}
	hist, err := s.complaints.History(r.Context(), d.Reference)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	people, err := s.staffNamesOf(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "complaints_staff_detail", page{Data: complaintPageData{C: d, History: hist, People: people, CanSeeDetails: can, ShowingDetails: show}})
}

// handleComplaintEvidence sends an evidence file as a download only: the
// public chose its bytes, so it is never rendered by the browser here.
func (s *Server) handleComplaintEvidence(w http.ResponseWriter, r *http.Request) {
	v := mux.Vars(r)
	id, _ := strconv.ParseInt(v["id"], 10, 64)
	e, err := s.complaints.EvidenceFile(r.Context(), v["reference"], id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// Octet-stream whatever its content: a download, never a page a
	// browser might render.
	serveAttachment(w, e.Filename, "application/octet-stream", e.Data)
}

type complaintImportData struct {
	Source      string
	SkipInvalid bool
	DryRun      bool
	Report      *complaints.ImportReport
	Columns     []string
	// Errors are the form's field errors, shown beside their fields.
	Errors fieldErrors
}

func (s *Server) handleComplaintImportForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "complaints_staff_import", page{Data: complaintImportData{Columns: complaints.ImportColumns}})
}

func (s *Server) handleComplaintImport(w http.ResponseWriter, r *http.Request) {
	data := complaintImportData{
		Source: r.PostFormValue("source"), SkipInvalid: r.PostFormValue("skip_invalid") == "yes",
		DryRun: r.PostFormValue("dry_run") == "yes", Columns: complaints.ImportColumns,
	}
	// Every problem with the form at once: the source and the file are
	// checked apart, and the rows only once both are right.
	var errs []apperr.FieldError
	if fe := complaints.CheckImportSource(data.Source); fe != nil {
		errs = append(errs, *fe)
	}
	var header []string
	var rows [][]string
	file, hdr, err := r.FormFile("file")
	if err != nil {
		errs = append(errs, apperr.FieldError{Field: "file", Message: "Choose a CSV or XLSX file to import"})
	} else {
		defer file.Close()
		raw, err := io.ReadAll(file)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		if err := spreadsheet.CheckKind(hdr.Filename, raw); err != nil {
			errs = append(errs, apperr.FieldError{Field: "file", Message: err.Error()})
		} else if header, rows, err = complaints.ReadImportFile(hdr.Filename, raw); err != nil {
			errs = append(errs, apperr.FieldError{Field: "file", Message: apperr.MessageOf(err)})
		}
	}
	if len(errs) > 0 {
		data.Errors = errs
		s.render(w, r, http.StatusUnprocessableEntity, "complaints_staff_import", page{Errors: errs, Data: data})
		return
	}
	rep, err := s.complaints.Import(r.Context(), header, rows, complaints.ImportOptions{Source: data.Source, SkipInvalid: data.SkipInvalid, DryRun: data.DryRun})
	if err != nil {
		if fe := apperr.FieldsOf(err); fe != nil {
			data.Errors = fe
			s.render(w, r, http.StatusUnprocessableEntity, "complaints_staff_import", page{Errors: fe, Data: data})
			return
		}
		s.Error(w, r, err)
		return
	}
	data.Report = &rep
	status := http.StatusOK
	if len(rep.Errors) > 0 && !rep.Stored {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "complaints_staff_import", page{Data: data})
}

// YesNo shows an optional yes/no answer.
func (complaintPageData) YesNo(b *bool) string {
	switch {
	case b == nil:
		return "Not answered"
	case *b:
		return "Yes"
	}
	return "No"
}

// Number shows an optional number.
func (complaintPageData) Number(n *int) string {
	if n == nil {
		return "Not answered"
	}
	return fmt.Sprint(*n)
}
