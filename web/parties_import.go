package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/spreadsheet"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// partyImportData is the import page's data: the layout, and after an
// upload either the problems found or what changed.
type partyImportData struct {
	Columns  []string
	MaxMB    int
	FileName string
	DryRun   bool
	Result   *parties.ImportResult
	Problems *parties.ImportError
}

func newPartyImportData() partyImportData {
	return partyImportData{Columns: parties.Columns, MaxMB: parties.MaxImportBytes >> 20}
}

func (s *Server) handlePartyImportForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "parties_import", page{Data: newPartyImportData()})
}

// readUpload returns the uploaded file's content and name, refusing files
// over the import limit and files that are not spreadsheets.
func readUpload(r *http.Request, field string) ([]byte, string, error) {
	f, h, err := r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) {
		return nil, "", apperr.Fields(apperr.FieldError{Field: field, Message: "Select a CSV or XLSX file"})
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, "", err
		}
		return nil, "", apperr.Wrap(apperr.BadRequest, err, "The upload could not be read.")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, parties.MaxImportBytes+1))
	if err != nil {
		return nil, "", err
	}
	if len(data) > parties.MaxImportBytes {
		return nil, "", apperr.Fields(apperr.FieldError{Field: field, Message: fmt.Sprintf("The file must be smaller than %d MB", parties.MaxImportBytes>>20)})
	}
	if len(data) == 0 {
		return nil, "", apperr.Fields(apperr.FieldError{Field: field, Message: "The selected file is empty"})
	}
	// A photo or a PDF chosen by mistake is named as the wrong kind of
	// file, as the command line names it, not read as rows.
	if err := spreadsheet.CheckKind(h.Filename, data); err != nil {
		return nil, "", apperr.Fields(apperr.FieldError{Field: field, Message: err.Error()})
	}
	return data, filepath.Base(h.Filename), nil
}

func (s *Server) handlePartyImport(w http.ResponseWriter, r *http.Request) {
	d := newPartyImportData()
	d.DryRun = r.PostFormValue("dry_run") == "yes"
	data, name, err := readUpload(r, "file")
	if err != nil {
		if !s.formFailed(w, r, "parties_import", err, func(fieldErrors) any { return d }) {
			s.Error(w, r, err)
		}
		return
	}
	d.FileName = name
	res, err := s.parties.Import(r.Context(), data, parties.ImportOptions{DryRun: d.DryRun, Source: name})
	if ie, ok := parties.AsImportError(err); ok {
		d.Problems = ie
		s.render(w, r, http.StatusUnprocessableEntity, "parties_import", page{
			Errors: []apperr.FieldError{{Field: "problems", Message: ie.Error()}}, Data: d})
		return
	}
	if err != nil {
		// A file that cannot be read at all is a problem with the file
		// field, shown on the form.
		if c := apperr.CodeOf(err); c == apperr.Invalid || c == apperr.TooLarge {
			s.render(w, r, http.StatusUnprocessableEntity, "parties_import", page{
				Errors: []apperr.FieldError{{Field: "file", Message: apperr.MessageOf(err)}}, Data: d})
			return
		}
		s.Error(w, r, err)
		return
	}
	d.Result = res
	s.render(w, r, http.StatusOK, "parties_import", page{Data: d})
}

// handlePartyExport sends the whole registry as an XLSX download. It is
// written to a buffer first so a failure becomes an error page, not a
// truncated file.
func (s *Server) handlePartyExport(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := s.parties.Export(r.Context(), &buf); err != nil {
		s.Error(w, r, err)
		return
	}
	name := spreadsheet.Filename("xlsx", "parties", vocab.Today())
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}
