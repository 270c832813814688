package web

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gorilla/mux"
	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/spreadsheet"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/reports"
)

// Who may read reports, and who may export complaint rows.
var (
	reportViewers   = []staff.Role{staff.RoleAdmin, staff.RoleAnalyst, staff.RolePoliticalTeam}
	reportExporters = []staff.Role{staff.RoleAdmin, staff.RoleAnalyst}
)

// registerReportRoutes adds the trend report pages, exports and the trends API.
// Nothing is mounted without a reports service.
func (s *Server) registerReportRoutes(api, st *mux.Router) {
	if s.reports == nil {
		return
	}
	st.Handle("/reports", s.allowFunc(reportViewers, s.handleReportsIndex)).Methods(http.MethodGet)
	st.Handle("/reports/exports", s.allowFunc(reportExporters, s.handleExportCreate)).Methods(http.MethodPost)
	st.Handle("/reports/exports/{id:[0-9]+}", s.allowFunc(reportExporters, s.handleExportShow)).Methods(http.MethodGet)
	st.Handle("/reports/exports/{id:[0-9]+}/file", s.allowFunc(reportExporters, s.handleExportFile)).Methods(http.MethodGet)
	api.Handle("/trends", s.allowFunc(reportViewers, s.handleAPITrends)).Methods(http.MethodGet)
	s.registerElectionReportRoutes(st)
}

// parseReportFilter reads a filter from form or query values: election,
// or from and to (YYYY-MM-DD); party and channel, repeated or
// comma-separated; text=yes for redacted free text.
func parseReportFilter(v url.Values) (reports.Filter, error) {
	var f reports.Filter
	var fe []apperr.FieldError
	if e := strings.TrimSpace(v.Get("election")); e != "" {
		id, err := strconv.ParseInt(e, 10, 64)
		if err != nil || id <= 0 {
			fe = append(fe, apperr.FieldError{Field: "election", Message: "Choose an election from the list"})
		}
		f.ElectionID = id
	}
	for _, name := range []string{"from", "to"} {
		if d := strings.TrimSpace(v.Get(name)); d != "" {
			t, err := vocab.ParseDay(d)
			if err != nil {
				fe = append(fe, apperr.FieldError{Field: name, Message: "Enter the date as YYYY-MM-DD, for example 2024-07-04"})
			}
			if name == "from" {
				f.From = t
			} else {
				f.To = t
			}
		}
	}
	for _, p := range v["party"] {
		ids, err := reports.ParseIDs(p)
		if err != nil {
			fe = append(fe, apperr.FieldError{Field: "party", Message: "Choose parties from the list"})
		}
		f.PartyIDs = append(f.PartyIDs, ids...)
	}
	for _, c := range v["channel"] {
		f.Channels = append(f.Channels, reports.SplitList(c)...)
	}
	f.IncludeText = v.Get("text") == "yes"
	if len(fe) > 0 {
		return f, apperr.Fields(fe...)
	}
	return f, f.Validate()
}

type reportsIndexData struct {
	Elections, Parties []reports.Option
	Channels           []string
	ChannelNames       map[string]string
	Query              url.Values
	AsyncRows          int
	CanExport          bool
}

func (s *Server) reportsIndexData(r *http.Request, q url.Values) (*reportsIndexData, error) {
	el, err := s.reports.ElectionOptions(r.Context())
	if err != nil {
		return nil, err
	}
	ps, err := s.reports.PartyOptions(r.Context())
	if err != nil {
		return nil, err
	}
	return &reportsIndexData{Elections: el, Parties: ps, Channels: vocab.ChannelCodes(), ChannelNames: vocab.ChannelLabels(vocab.English),
		Query: q, AsyncRows: s.reports.Settings().AsyncRows, CanExport: userFrom(r.Context()).Can(reportExporters...)}, nil
}

func (s *Server) handleReportsIndex(w http.ResponseWriter, r *http.Request) {
	data, err := s.reportsIndexData(r, r.URL.Query())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "reports_trends", page{Data: data})
}

// handleExportCreate streams a small export straight back and queues a
// large one, sending the browser to its progress page.
func (s *Server) handleExportCreate(w http.ResponseWriter, r *http.Request) {
	f, err := parseReportFilter(r.PostForm)
	format := r.PostFormValue("format")
	if err == nil {
		err = reports.CheckFormat(format)
	}
	if err != nil {
		if fields := apperr.FieldsOf(err); len(fields) > 0 && !wantsJSON(r) {
			data, derr := s.reportsIndexData(r, r.PostForm)
			if derr != nil {
				s.Error(w, r, derr)
				return
			}
			s.render(w, r, http.StatusUnprocessableEntity, "reports_trends", page{Errors: fields, Data: data})
			return
		}
		s.Error(w, r, err)
		return
	}
	ctx := r.Context()
	var n int
	if err := s.reports.Snapshot(ctx, func(tx pgx.Tx) error {
		var err error
		n, err = s.reports.CountRows(ctx, tx, f)
		return err
	}); err != nil {
		s.Error(w, r, err)
		return
	}
	if n > s.reports.Settings().AsyncRows {
		u := userFrom(ctx)
		id, err := s.reports.RequestExport(ctx, &u.ID, f, format)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/staff/reports/exports/%d", id), http.StatusSeeOther)
		return
	}
	name, err := s.reports.ExportFilename(ctx, f, format)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.reports.RecordDownload(ctx, 0, format, n); err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", reports.ContentType(format))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Cache-Control", "no-store")
	if err := s.reports.Write(ctx, f, format, w, nil); err != nil {
		// Headers are gone; all that is left is to log and cut the body.
		s.log.Error("streamed export failed", "err", err, "request_id", requestIDFrom(ctx))
	}
}

func (s *Server) exportFromRequest(w http.ResponseWriter, r *http.Request) (*reports.Export, bool) {
	id, _ := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	u := userFrom(r.Context())
	e, err := s.reports.Get(r.Context(), id, u.ID, u.Can(staff.RoleAdmin))
	if err != nil {
		s.Error(w, r, err)
		return nil, false
	}
	return e, true
}

func (s *Server) handleExportShow(w http.ResponseWriter, r *http.Request) {
	e, ok := s.exportFromRequest(w, r)
	if !ok {
		return
	}
	if e.State == "queued" || e.State == "running" {
		// The page reloads itself every few seconds until the file is
		// ready; no script needed.
		w.Header().Set("Refresh", "3")
	}
	name, err := s.reports.ExportFilename(r.Context(), e.Filter, e.Format)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "reports_export", page{Data: map[string]any{"Export": e, "Filename": name}})
}

func (s *Server) handleExportFile(w http.ResponseWriter, r *http.Request) {
	e, ok := s.exportFromRequest(w, r)
	if !ok {
		return
	}
	if e.State != "done" {
		s.Error(w, r, apperr.New(apperr.Conflict, "The export is not ready yet. Go back to its page to see its progress."))
		return
	}
	name, err := s.reports.ExportFilename(r.Context(), e.Filter, e.Format)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", reports.ContentType(e.Format))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Content-Length", strconv.FormatInt(e.SizeBytes, 10))
	w.Header().Set("Cache-Control", "no-store")
	if err := s.reports.Download(r.Context(), e, w); err != nil {
		s.log.Error("export download failed", "err", err, "request_id", requestIDFrom(r.Context()))
	}
}

// handleAPITrends answers GET /api/v1/trends?election=ID&group=day,channel
// with complaint counts grouped as asked.
func (s *Server) handleAPITrends(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := parseReportFilter(q)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	groups := reports.SplitList(q.Get("group"))
	rows, total, err := s.reports.GroupCounts(r.Context(), f, groups)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	referrals, err := s.reports.ReferralCounts(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if len(groups) == 0 {
		groups = []string{"day", "channel"}
	}
	f.IncludeText = false
	body := map[string]any{"filter": f, "group": groups, "total": total, "rows": withLabelsList(rows, addTrendLabels),
		"groups_available": slices.Clone(reports.GroupNames), "referrals": referrals}
	if slices.Contains(groups, "channel") {
		body["note"] = reports.ChannelCountNote
	}
	writeJSON(w, http.StatusOK, body)
}

// auditWorkbookFilename names an audit programme's workbook as the trend
// exports are named: campaignwatch-audit-<programme>-<day made>.xlsx.
func auditWorkbookFilename(sum *audits.Summary) string {
	return spreadsheet.Filename(reports.FormatXLSX, "audit", spreadsheet.Slug(sum.Programme.Name, "programme"), vocab.Day(sum.GeneratedAt))
}
