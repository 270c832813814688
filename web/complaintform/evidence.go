package complaintform

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

// Evidence uploads on the public form. Anyone can upload without an
// account, so three things bound what uploads can cost:
//
//   - memory: the multipart body is parsed with a small memory limit
//     (Host.ParseForm), so a file spools to a temporary file, is checked from
//     there (complaints.CheckEvidence) and streamed into PostgreSQL
//     (complaints.DraftStore.Add); no upload is ever held whole in memory;
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

// uploadGuard comes before an upload's body is read. One plainly too
// large (by its declared length) is answered with the evidence page and a
// message; one that would take the bytes being received past
// UPLOAD_INFLIGHT_MB is answered 503 with Retry-After. The reservation is
// the declared length, or the most an upload may be when none is given,
// and is held until the handler returns.
func (f *form) uploadGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > uploadBodyLimit {
			w.Header().Set("Connection", "close")
			lang := f.host.Lang(w, r)
			f.evidencePage(w, r, lang, f.loadDraft(r), http.StatusRequestEntityTooLarge,
				[]apperr.FieldError{{Field: "evidence", Code: "too_large", Message: fieldMessage(lang, "evidence", "too_large", "")}})
			return
		}
		n := r.ContentLength
		if n < 0 {
			n = uploadBodyLimit
		}
		release, ok := f.host.ReserveUpload(n)
		if !ok {
			w.Header().Set("Connection", "close")
			f.uploadRefused(w, r, f.host.Lang(w, r), problemUploadsBusy, uploadsBusyRetry)
			return
		}
		defer release()
		next.ServeHTTP(w, r)
	})
}

func (f *form) handleEvidencePage(w http.ResponseWriter, r *http.Request) {
	lang := f.host.Lang(w, r)
	d, ok := f.startedDraft(w, r)
	if !ok {
		return
	}
	// Sending found a problem with the files (one expired after the check
	// page): say so here, where it is put right.
	if q := r.URL.Query(); q.Get("problem") == "1" && q.Get("field") == "evidence" && q.Get("code") == "expired" {
		f.evidencePage(w, r, lang, d, http.StatusUnprocessableEntity,
			[]apperr.FieldError{{Field: "evidence", Code: "expired", Message: fieldMessage(lang, "evidence", "expired", "")}})
		return
	}
	f.evidencePage(w, r, lang, d, http.StatusOK, nil)
}

func (f *form) evidencePage(w http.ResponseWriter, r *http.Request, lang string, d *complaintDraft, status int, errs []apperr.FieldError) {
	files, err := f.drafts.Files(r.Context(), d.fileKey())
	if err != nil {
		f.complaintProblem(w, r, lang, d, err)
		return
	}
	change := r.URL.Query().Get("change") == "1" || r.PostFormValue("change") == "1"
	v := &complaintView{
		Step: stepEvidence, Action: stepPath(stepEvidence), Change: change, Files: files,
		CanAdd: len(files) < complaints.MaxEvidenceFiles, Multipart: true,
		Heading: translate(lang, "evidence.heading"),
		Button:  translate(lang, "form.continue"),
	}
	if change {
		v.Back = stepPath(stepCheck)
	} else {
		v.Back = stepPath(d.prev(stepEvidence))
	}
	field := &formField{Kind: "file", ID: "evidence", Name: "evidence", Label: translate(lang, "evidence.file_label"),
		Hint: translate(lang, "evidence.file_hint", complaints.MaxEvidenceFiles)}
	for _, e := range errs {
		if e.Field == "evidence" {
			field.Error = e.Message
		}
	}
	v.FileField = field.finish(lang)
	f.complaintPage(w, r, status, "complaint_evidence", lang, errs, v)
}

// handleEvidenceUpload stores a chosen file (checked by content) and, when
// the person pressed "Continue", moves on.
func (f *form) handleEvidenceUpload(w http.ResponseWriter, r *http.Request) {
	lang := f.host.Lang(w, r)
	d, ok := f.startedDraft(w, r)
	if !ok {
		return
	}
	// Parsed here too, with the small memory limit, for a request whose
	// CSRF token came in a header: anything that reads a form value
	// first would parse it with Go's 32 MB default.
	if err := f.host.ParseForm(r); err != nil {
		f.host.Error(w, r, err)
		return
	}
	if strings.TrimSpace(r.PostFormValue(honeypotField)) != "" {
		d.Bot = true
	}
	change := r.PostFormValue("change") == "1"
	fail := func(code string) {
		f.evidencePage(w, r, lang, d, http.StatusUnprocessableEntity,
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
		if ok, wait := f.host.AllowUpload(r); !ok {
			f.complaintTooMany(w, r, lang, wait)
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
		// The file counts against the same client, /48 and store limits
		// as the API's inline evidence (Host.EvidenceCharge).
		charge := f.host.EvidenceCharge(r)
		err = f.drafts.Add(r.Context(), complaints.DraftUpload{
			DraftKey: d.fileKey(), ClientKey: charge.ClientKey, NetKey: charge.NetKey, Filename: name, ContentType: ct,
			Content: file, Size: hdr.Size, Expires: time.Unix(d.Created, 0).Add(draftLifetime),
		}, charge.Quota)
		switch fe := apperr.FieldsOf(err); {
		case err == nil:
		case errors.Is(err, complaints.ErrDraftStoreFull):
			f.uploadRefused(w, r, lang, problemStoreFull, storeFullRetry)
			return
		case errors.Is(err, complaints.ErrEvidenceDayFull):
			f.uploadRefused(w, r, lang, problemDayFull, complaints.UntilEvidenceDayResets(time.Now()))
			return
		case len(fe) > 0:
			fail(fe[0].Code)
			return
		default:
			f.complaintProblem(w, r, lang, d, err)
			return
		}
	}
	if r.PostFormValue("action") == "upload" {
		if err := f.saveDraft(w, r, d); err != nil {
			f.host.Error(w, r, err)
			return
		}
		http.Redirect(w, r, stepPath(stepEvidence)+changeQuery(change), http.StatusSeeOther)
		return
	}
	d.markDone(stepEvidence)
	if err := f.saveDraft(w, r, d); err != nil {
		f.host.Error(w, r, err)
		return
	}
	next := d.next(stepEvidence)
	if change {
		next = d.firstMissing()
	}
	http.Redirect(w, r, stepPath(next)+changeQuery(change && next != stepCheck), http.StatusSeeOther)
}

func (f *form) handleEvidenceRemove(w http.ResponseWriter, r *http.Request) {
	lang := f.host.Lang(w, r)
	d := f.loadDraft(r)
	id, _ := strconv.ParseInt(r.PostFormValue("file"), 10, 64)
	if err := f.drafts.Remove(r.Context(), d.fileKey(), id); err != nil {
		f.complaintProblem(w, r, lang, d, err)
		return
	}
	http.Redirect(w, r, stepPath(stepEvidence)+changeQuery(r.PostFormValue("change") == "1"), http.StatusSeeOther)
}
