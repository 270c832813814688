package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/staff"
)

// Evidence uploads on the public form. Anyone can upload without an
// account, so three things bound what uploads can cost:
//
//   - memory: the multipart body is parsed with a small memory limit
//     (parseForm), so a file spools to a temporary file, is checked from
//     there (complaints.CheckEvidence) and streamed into PostgreSQL
//     (complaints.AddDraftFile); no upload is ever held whole in memory;
//   - uploads at once: the bytes of uploads being received are capped
//     (UPLOAD_INFLIGHT_MB); past the cap an upload is answered 503 with
//     Retry-After before its body is read;
//   - storage: the evidence of unsent drafts is limited per draft, per
//     client address (and IPv6 /48), counting what they sent in the last
//     24 hours, and in all; the evidence sent each day is capped too
//     (EVIDENCE_*_MB, complaints.DraftQuota).

// The 503 pages that are not an outage.
const (
	problemUploadsBusy = "uploads_busy"
	problemStoreFull   = "store_full"
	problemDayFull     = "day_full"
)

const (
	// uploadsBusyRetry is how long a refused upload is asked to wait:
	// about the time an upload at the cap takes to finish.
	uploadsBusyRetry = 10 * time.Second
	// storeFullRetry is how long to wait when all drafts' storage is
	// full: space comes back as drafts are sent, removed or expire.
	storeFullRetry = 5 * time.Minute
)

// byteBudget counts bytes in use against a maximum.
type byteBudget struct {
	mu   sync.Mutex
	used int64
	max  int64
}

// take reserves n bytes if they fit.
func (b *byteBudget) take(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used+n > b.max {
		return false
	}
	b.used += n
	return true
}

func (b *byteBudget) give(n int64) {
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
}

// uploadGuard comes before an upload's body is read. One plainly too
// large (by its declared length) is answered with the evidence page and a
// message; one that would take the bytes being received past
// UPLOAD_INFLIGHT_MB is answered 503 with Retry-After. The reservation is
// the declared length, or the most an upload may be when none is given,
// and is held until the handler returns.
func (s *Server) uploadGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > uploadBodyLimit {
			w.Header().Set("Connection", "close")
			lang := s.requestLang(w, r)
			s.evidencePage(w, r, lang, s.loadDraft(r), http.StatusRequestEntityTooLarge,
				[]apperr.FieldError{{Field: "evidence", Code: "too_large", Message: fieldMessage(lang, "evidence", "too_large", "")}})
			return
		}
		n := r.ContentLength
		if n < 0 {
			n = uploadBodyLimit
		}
		if !s.uploads.take(n) {
			w.Header().Set("Connection", "close")
			s.uploadRefused(w, r, s.requestLang(w, r), problemUploadsBusy, uploadsBusyRetry)
			return
		}
		defer s.uploads.give(n)
		next.ServeHTTP(w, r)
	})
}

// importsBusyRetry is how long a refused staff import is asked to wait.
const importsBusyRetry = 30 * time.Second

// importRoute is a staff import route (complaints or parties, page or
// API). The role check comes first, so an anonymous or unentitled caller
// is answered before a byte of the body is read or spooled to disk; then
// importGuard caps the imports being received at once; only then is the
// body read (limitBody) and the CSRF check made.
func (s *Server) importRoute(roles []staff.Role, limit int64, csrf mux.MiddlewareFunc, h http.HandlerFunc) http.Handler {
	return s.allow(roles, s.importGuard(limit, s.limitBody(limit)(csrf(h))))
}

// importGuard comes before an import's body is read. One plainly too
// large (by its declared length) is answered 413; one that would take the
// bytes of imports being received past IMPORT_INFLIGHT_MB is answered 503
// with Retry-After. The reservation is the declared length, or limit when
// none is given, and is held until the handler returns.
func (s *Server) importGuard(limit int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if safeMethod(r.Method) {
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > limit {
			w.Header().Set("Connection", "close")
			s.Error(w, r, apperr.New(apperr.TooLarge, "The upload must be smaller than %d MB.", limit>>20))
			return
		}
		n := r.ContentLength
		if n < 0 {
			n = limit
		}
		if !s.imports.take(n) {
			w.Header().Set("Connection", "close")
			w.Header().Set("Retry-After", strconv.Itoa(int(importsBusyRetry.Seconds())))
			s.Error(w, r, apperr.New(apperr.Unavailable, "Other imports are being received. Try again in a little while."))
			return
		}
		defer s.imports.give(n)
		next.ServeHTTP(w, r)
	})
}

// uploadRefused is the 503 page for an upload that could not be taken
// now: the service is busy with other uploads, or the store for unsent
// drafts' files is full. The answers typed so far are in the cookie.
func (s *Server) uploadRefused(w http.ResponseWriter, r *http.Request, lang, problem string, retry time.Duration) {
	secs := int(retry.Seconds())
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	heading := "busy.heading"
	switch problem {
	case problemStoreFull:
		heading = "storefull.heading"
	case problemDayFull:
		heading = "dayfull.heading"
	}
	s.complaintPage(w, r, http.StatusServiceUnavailable, "complaint_problem", lang, nil, &complaintView{
		Heading: translate(lang, heading), Status: http.StatusServiceUnavailable, Problem: problem,
		Retry: secs, RetryURL: stepPath(stepEvidence)})
}

// draftQuota is the configured limit on evidence of unsent drafts.
func (s *Server) draftQuota() complaints.DraftQuota {
	return complaints.DraftQuota{DraftBytes: s.cfg.EvidenceDraftBytes, ClientBytes: s.cfg.EvidenceClientBytes,
		NetBytes: s.cfg.EvidenceNet48Bytes, TotalBytes: s.cfg.EvidenceTotalBytes, DayBytes: s.cfg.EvidenceDailyBytes}
}

// untilTomorrow is how long until the daily cap on sent evidence starts
// again: the next midnight UTC, at least a minute.
func untilTomorrow(now time.Time) time.Duration {
	now = now.UTC()
	next := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
	return max(next.Sub(now).Round(time.Second), time.Minute)
}

// handleEvidenceUpload stores a chosen file (checked by content) and, when
// the person pressed "Continue", moves on.
func (s *Server) handleEvidenceUpload(w http.ResponseWriter, r *http.Request) {
	lang := s.requestLang(w, r)
	d := s.loadDraft(r)
	if d.Channel == "" {
		http.Redirect(w, r, stepPath(stepChannel), http.StatusSeeOther)
		return
	}
	// Parsed here too, with the small memory limit, for a request whose
	// CSRF token came in a header: anything that reads a form value
	// first would parse it with Go's 32 MB default.
	if err := parseForm(r); err != nil {
		s.Error(w, r, err)
		return
	}
	if strings.TrimSpace(r.PostFormValue(honeypotField)) != "" {
		d.Bot = true
	}
	change := r.PostFormValue("change") == "1"
	fail := func(code string) {
		s.evidencePage(w, r, lang, d, http.StatusUnprocessableEntity,
			[]apperr.FieldError{{Field: "evidence", Code: code, Message: fieldMessage(lang, "evidence", code, "")}})
	}
	file, hdr, err := r.FormFile("evidence")
	switch {
	case errors.Is(err, http.ErrMissingFile):
		// Nothing chosen: fine on "Continue", a mistake on "Upload".
		if r.PostFormValue("action") == "upload" {
			fail("required")
			return
		}
	case err != nil:
		fail("unreadable")
		return
	default:
		defer file.Close()
		if ok, wait := s.uploadRate.allow(clientIP(r), time.Now()); !ok {
			s.complaintTooMany(w, r, lang, wait)
			return
		}
		switch {
		case hdr.Size == 0:
			fail("empty")
			return
		case hdr.Size > complaints.MaxEvidenceBytes:
			fail("too_large")
			return
		}
		name, ct, err := complaints.CheckEvidence(hdr.Filename, file)
		if fe := apperr.FieldsOf(err); len(fe) > 0 {
			fail(fe[0].Code)
			return
		}
		if err != nil {
			fail("unreadable")
			return
		}
		if _, err := file.Seek(0, io.SeekStart); err != nil {
			fail("unreadable")
			return
		}
		err = complaints.AddDraftFile(r.Context(), s.pool, complaints.DraftUpload{
			DraftKey: d.fileKey(), ClientKey: s.clientKey(r), NetKey: s.netKey(r), Filename: name, ContentType: ct,
			Content: file, Size: hdr.Size, Expires: time.Unix(d.Created, 0).Add(draftLifetime),
		}, s.draftQuota())
		switch fe := apperr.FieldsOf(err); {
		case err == nil:
		case errors.Is(err, complaints.ErrDraftStoreFull):
			s.uploadRefused(w, r, lang, problemStoreFull, storeFullRetry)
			return
		case errors.Is(err, complaints.ErrEvidenceDayFull):
			s.uploadRefused(w, r, lang, problemDayFull, untilTomorrow(time.Now()))
			return
		case len(fe) > 0:
			fail(fe[0].Code)
			return
		default:
			s.complaintProblem(w, r, lang, d, err)
			return
		}
	}
	if r.PostFormValue("action") == "upload" {
		if err := s.saveDraft(w, r, d); err != nil {
			s.Error(w, r, err)
			return
		}
		http.Redirect(w, r, stepPath(stepEvidence)+changeQuery(change), http.StatusSeeOther)
		return
	}
	d.markDone(stepEvidence)
	if err := s.saveDraft(w, r, d); err != nil {
		s.Error(w, r, err)
		return
	}
	next := d.next(stepEvidence)
	if change {
		next = d.firstMissing()
	}
	http.Redirect(w, r, stepPath(next)+changeQuery(change && next != stepCheck), http.StatusSeeOther)
}

func (s *Server) handleEvidenceRemove(w http.ResponseWriter, r *http.Request) {
	lang := s.requestLang(w, r)
	d := s.loadDraft(r)
	id, _ := strconv.ParseInt(r.PostFormValue("file"), 10, 64)
	if err := complaints.RemoveDraftFile(r.Context(), s.pool, d.fileKey(), id); err != nil {
		s.complaintProblem(w, r, lang, d, err)
		return
	}
	http.Redirect(w, r, stepPath(stepEvidence)+changeQuery(r.PostFormValue("change") == "1"), http.StatusSeeOther)
}
