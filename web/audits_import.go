package web

import (
	"net/http"
	"strconv"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audits"
)

// auditImportData is the recommendation import page: the file's layout,
// and after an upload either every problem, row by row, or what was (or
// would be) added.
type auditImportData struct {
	A        *audits.Audit
	Columns  []string
	MaxMB    int
	FileName string
	DryRun   bool
	Result   *audits.ImportResult
	Areas    []labelled
	Prios    []labelled
}

func (s *Server) auditImportData(r *http.Request) (auditImportData, error) {
	d := auditImportData{Columns: audits.ImportColumns, MaxMB: audits.MaxImportBytes >> 20,
		Areas: auditOptions(audits.Areas), Prios: auditOptions(audits.Priorities)}
	var err error
	d.A, err = s.pathAudit(r)
	return d, err
}

func (s *Server) handleAuditImportForm(w http.ResponseWriter, r *http.Request) {
	d, err := s.auditImportData(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "audits_import", page{Data: d})
}

// handleAuditImport checks (dry run) or imports a file of
// recommendations: all rows or none.
func (s *Server) handleAuditImport(w http.ResponseWriter, r *http.Request) {
	d, err := s.auditImportData(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	d.DryRun = r.PostFormValue("dry_run") == "yes"
	data, name, err := readUpload(r, "file")
	if err != nil {
		if !s.formFailed(w, r, "audits_import", err, func(fieldErrors) any { return d }) {
			s.Error(w, r, err)
		}
		return
	}
	d.FileName = name
	res, err := s.audits.ImportRecommendations(r.Context(), d.A.ID, data, d.DryRun)
	if res != nil && len(res.Problems) > 0 {
		d.Result = res
		msg := "The file has " + plural(len(res.Problems), "problem") + ": nothing has been imported"
		s.render(w, r, http.StatusUnprocessableEntity, "audits_import", page{
			Errors: []apperr.FieldError{{Field: "problems", Message: msg}}, Data: d})
		return
	}
	if err != nil {
		// A file that cannot be read at all is a problem with the file
		// field, shown on the form.
		if c := apperr.CodeOf(err); c == apperr.Invalid || c == apperr.TooLarge {
			s.render(w, r, http.StatusUnprocessableEntity, "audits_import", page{
				Errors: []apperr.FieldError{{Field: "file", Message: apperr.MessageOf(err)}}, Data: d})
			return
		}
		s.Error(w, r, err)
		return
	}
	d.Result = res
	if !d.DryRun {
		s.setFlash(w, plural(res.Added, "recommendation")+" imported.")
		http.Redirect(w, r, "/staff/audits/"+strconv.FormatInt(d.A.ID, 10), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "audits_import", page{Data: d})
}
