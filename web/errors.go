package web

import (
	"errors"
	"net/http"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/database"
)

var statusOf = map[apperr.Code]int{
	apperr.Invalid:         http.StatusUnprocessableEntity,
	apperr.BadRequest:      http.StatusBadRequest,
	apperr.Unauthorized:    http.StatusUnauthorized,
	apperr.Forbidden:       http.StatusForbidden,
	apperr.NotFound:        http.StatusNotFound,
	apperr.Conflict:        http.StatusConflict,
	apperr.TooLarge:        http.StatusRequestEntityTooLarge,
	apperr.UnsupportedType: http.StatusUnsupportedMediaType,
	apperr.RateLimited:     http.StatusTooManyRequests,
	apperr.Unavailable:     http.StatusServiceUnavailable,
	apperr.Internal:        http.StatusInternalServerError,
}

// errorBody is the JSON shape of every API error.
type errorBody struct {
	Error string      `json:"error"`
	Code  apperr.Code `json:"code"`
	// Field names the one field at fault when there is exactly one, so a
	// client need not search Errors for it.
	Field     string              `json:"field,omitempty"`
	Errors    []apperr.FieldError `json:"errors,omitempty"`
	RequestID string              `json:"request_id,omitempty"`
}

// Error is the one place an error becomes a response: a JSON body for API
// clients, an HTML page for people. Internal errors are logged with the
// request ID and shown only as a generic sentence with that ID.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	code := apperr.CodeOf(err)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		code = apperr.TooLarge
		err = apperr.New(apperr.TooLarge, "The request body is larger than the %d bytes allowed.", mbe.Limit)
	}
	if code == apperr.Internal && database.Unavailable(err) {
		// A hung, full, read-only or overloaded database: the request
		// was right and can be tried again, so 503 rather than 500. The
		// driver's error says which and carries no personal data.
		s.log.Warn("database unavailable", "err", err, "request_id", requestIDFrom(r.Context()), "route", routeName(r))
		code = apperr.Unavailable
		err = apperr.Wrap(apperr.Unavailable, err, "The service is busy or its database is not answering. Please try again in a minute.")
	}
	status := statusOf[code]
	reqID := requestIDFrom(r.Context())
	if code == apperr.Internal {
		s.log.Error("request failed", "err", err, "request_id", reqID, "route", routeName(r))
	}
	// A handler that knows when to come back (the daily evidence cap:
	// tomorrow) has said so already; others get half a minute.
	if code == apperr.Unavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "30")
	}
	msg := apperr.MessageOf(err)
	if wantsJSON(r) {
		body := errorBody{Error: msg, Code: code, Errors: apperr.FieldsOf(err), RequestID: reqID}
		if len(body.Errors) == 1 {
			body.Field = body.Errors[0].Field
		}
		writeJSON(w, status, body)
		return
	}
	// The page's title comes from the catalogue (error.title.<code>).
	// Messages are written in English where they arise, so a Welsh visitor
	// gets the catalogue's Welsh wording for the kind of problem instead;
	// messages about answers (invalid) are already in the visitor's
	// language, written so by the check that made them.
	lang := s.requestLang(w, r)
	title := translate(lang, "error.title."+string(code))
	if lang != langEnglish && code != apperr.Invalid {
		msg = translate(lang, "error.body."+string(code))
	}
	s.render(w, r, status, "error", page{Lang: lang, Data: map[string]any{"Title": title, "Message": msg}})
}
