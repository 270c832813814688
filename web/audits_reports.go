package web

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"
	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/audits"
)

// registerAuditReportRoutes mounts the audit programme's outputs: the
// follow-up report of an audit (page and PDF), its letter, the
// programme summary report (page and PDF) and the programme workbook.
// Analysts read them; the political team and admins also draft the
// letter.
func (s *Server) registerAuditReportRoutes(r *mux.Router) {
	if s.audits == nil {
		return
	}
	st := r.PathPrefix("/staff/audits").Subrouter()
	st.Use(s.signInBeforeBody, s.limitBody(defaultBodyLimit), s.csrfProtect)
	st.Handle("/{id:[0-9]+}/report", s.allowFunc(reportViewers, s.handleAuditReport)).Methods(http.MethodGet)
	st.Handle("/{id:[0-9]+}/report.pdf", s.allowFunc(reportViewers, s.handleAuditReportPDF)).Methods(http.MethodGet)
	st.Handle("/{id:[0-9]+}/letter", s.allowFunc(adminAndPolTeam, s.handleAuditLetter)).Methods(http.MethodPost)
	st.Handle("/programmes/{id:[0-9]+}/summary", s.allowFunc(reportViewers, s.handleAuditSummary)).Methods(http.MethodGet)
	st.Handle("/programmes/{id:[0-9]+}/summary.pdf", s.allowFunc(reportViewers, s.handleAuditSummaryPDF)).Methods(http.MethodGet)
	st.Handle("/programmes/{id:[0-9]+}/workbook.xlsx", s.allowFunc(reportViewers, s.handleAuditWorkbook)).Methods(http.MethodGet)
}

// handleAuditReport shows the follow-up report as the party reads it,
// with the button that drafts the letter.
func (s *Server) handleAuditReport(w http.ResponseWriter, r *http.Request) {
	s.renderAuditReport(w, r, http.StatusOK, nil)
}

func (s *Server) renderAuditReport(w http.ResponseWriter, r *http.Request, status int, errs []apperr.FieldError) {
	id := pathID(r, "id")
	rep, err := s.audits.FollowUpReport(r.Context(), id)
	data := map[string]any{"ID": id, "W": audits.Word, "CanDraft": userFrom(r.Context()).Can(adminAndPolTeam...) && s.outreach != nil, "Errors": errs}
	if err != nil {
		// A report that cannot be made yet (Welsh missing) is explained on
		// the page, not as an error page: the team needs the sentence to
		// put it right.
		if apperr.CodeOf(err) != apperr.Invalid {
			s.Error(w, r, err)
			return
		}
		data["Problem"] = apperr.MessageOf(err)
		s.render(w, r, status, "audits_report", page{Errors: errs, Data: data})
		return
	}
	lang := documentLang(r, rep.Bilingual())
	data["R"], data["Lang"], data["Chart"] = rep, lang, rep.StatusByPriority(lang)
	data["Batch"] = rep.LetterBatch
	s.render(w, r, status, "audits_report", page{Errors: errs, Data: data})
}

// handleAuditReportPDF serves the report as the PDF the letter attaches;
// downloads are audited, as exports are.
func (s *Server) handleAuditReportPDF(w http.ResponseWriter, r *http.Request) {
	rep, err := s.audits.FollowUpReport(r.Context(), pathID(r, "id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	pdf, err := rep.PDF()
	if err == nil {
		err = s.recordAuditDownload(r, "audit.report.download", "audit", rep.Audit.ID, map[string]any{"recommendations": len(rep.Recommendations)})
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	sendAuditFile(w, "application/pdf", rep.PDFFilename(), pdf)
}

// handleAuditLetter drafts the follow-up letter as a held batch and
// sends the user to the batch page, where a colleague releases it.
func (s *Server) handleAuditLetter(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	res, err := s.audits.DraftLetter(r.Context(), id)
	if err != nil {
		var errs []apperr.FieldError
		switch apperr.CodeOf(err) {
		case apperr.Invalid:
			// Every problem links to the draft button, where the page
			// says what to record first.
			for _, fe := range apperr.FieldsOf(err) {
				errs = append(errs, apperr.FieldError{Field: "letter", Message: fe.Message})
			}
			if len(errs) == 0 {
				errs = []apperr.FieldError{{Field: "letter", Message: apperr.MessageOf(err)}}
			}
			s.renderAuditReport(w, r, http.StatusUnprocessableEntity, errs)
		case apperr.Conflict:
			s.renderAuditReport(w, r, http.StatusConflict, []apperr.FieldError{{Field: "letter", Message: apperr.MessageOf(err)}})
		default:
			s.Error(w, r, err)
		}
		return
	}
	// The flash shows on the batch's own page, so it need not name the
	// batch (people never see an internal id).
	s.setFlash(w, fmt.Sprintf("Follow-up letter drafted: %d %s to %s, held on this page until a colleague releases %s.",
		res.Letters, auditPlural(res.Letters, "letter", "letters"), res.Parties[0].Party, auditPlural(res.Letters, "it", "them")))
	http.Redirect(w, r, fmt.Sprintf("/staff/letters/batches/%d", res.BatchID), http.StatusSeeOther)
}

func auditPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// handleAuditSummary shows the programme summary report, in Welsh under
// ?lang=cy. The Welsh version is refused on the page, naming the Welsh
// texts to fill in, while any is missing: it never falls back to
// English.
func (s *Server) handleAuditSummary(w http.ResponseWriter, r *http.Request) {
	sum, err := s.audits.Summary(r.Context(), pathID(r, "id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	lang := documentLang(r, true)
	data := map[string]any{"S": sum, "Lang": lang, "W": audits.SummaryWord}
	if err := sum.Welsh(); err != nil {
		data["WelshProblem"] = apperr.MessageOf(err)
		if lang == "cy" {
			s.render(w, r, http.StatusUnprocessableEntity, "audits_summary", page{Data: data})
			return
		}
	}
	data["Chart"] = sum.ProgressByPriority(lang)
	s.render(w, r, http.StatusOK, "audits_summary", page{Data: data})
}

// handleAuditSummaryPDF serves the summary report as a PDF in English,
// or in Welsh under ?lang=cy (one PDF per language: see
// audits.Summary.PDF).
func (s *Server) handleAuditSummaryPDF(w http.ResponseWriter, r *http.Request) {
	sum, err := s.audits.Summary(r.Context(), pathID(r, "id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	lang := documentLang(r, true)
	pdf, err := sum.PDF(lang)
	if err == nil {
		err = s.recordAuditDownload(r, "audit_programme.summary.download", "audit_programme", sum.Programme.ID, map[string]any{"audits": len(sum.Audits), "language": lang})
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	sendAuditFile(w, "application/pdf", sum.PDFFilename(lang), pdf)
}

// handleAuditWorkbook serves the programme workbook.
func (s *Server) handleAuditWorkbook(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	sum, err := s.audits.Summary(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	b, err := s.audits.Workbook(r.Context(), id)
	if err == nil {
		err = s.recordAuditDownload(r, "audit_programme.workbook.download", "audit_programme", id, map[string]any{"audits": len(sum.Audits)})
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	sendAuditFile(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", auditWorkbookFilename(sum), b)
}

// recordAuditDownload writes a download of an output to the audit log.
func (s *Server) recordAuditDownload(r *http.Request, action, objectType string, id int64, after map[string]any) error {
	return pgx.BeginFunc(r.Context(), s.pool, func(tx pgx.Tx) error {
		return audit.Record(r.Context(), tx, action, objectType, strconv.FormatInt(id, 10), audit.Change{After: after})
	})
}

// sendAuditFile serves a file for download only.
func sendAuditFile(w http.ResponseWriter, contentType, filename string, b []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}
