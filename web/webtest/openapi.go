package webtest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	verrors "github.com/pb33f/libopenapi-validator/errors"

	"github.com/campaignwatch/campaignwatch/web/openapi"
)

// The validator is built once per test binary: parsing the description
// and compiling its schemas costs more than most tests.
var (
	specOnce      sync.Once
	specValidator validator.Validator
	specErr       error
)

func specCheck() (validator.Validator, error) {
	specOnce.Do(func() {
		doc, err := libopenapi.NewDocument(openapi.Spec)
		if err != nil {
			specErr = fmt.Errorf("parse the OpenAPI description: %w", err)
			return
		}
		v, errs := validator.NewValidator(doc)
		if len(errs) > 0 {
			specErr = fmt.Errorf("build the OpenAPI validator: %v", errs)
			return
		}
		if ok, verrs := v.ValidateDocument(); !ok {
			specErr = fmt.Errorf("the OpenAPI description is not valid OpenAPI 3.1: %s", describe(verrs))
			return
		}
		specValidator = v
	})
	return specValidator, specErr
}

// SpecProblems checks one API exchange against the OpenAPI description
// and returns what does not match, or nothing. The rules:
//   - a path or method the description lacks is a mismatch, unless the
//     server refused it too (404 or 405);
//   - a request the description forbids must be refused (4xx): the server
//     accepting it means the description is stricter than the code;
//   - every response of a described operation must match it: its status
//     must be listed and its body must fit the schema.
func SpecProblems(req *http.Request, reqBody []byte, status int, header http.Header, body []byte) []string {
	v, err := specCheck()
	if err != nil {
		return []string{err.Error()}
	}
	vreq := req.Clone(req.Context())
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	if len(reqBody) > 0 && vreq.Header.Get("Content-Type") == "" {
		// A body sent without a type is, as RFC 9110 (8.3) lets a
		// recipient assume, application/octet-stream: OpenAPI cannot name
		// "no type" among a body's media types.
		vreq.Header.Set("Content-Type", "application/octet-stream")
	}
	var problems []string
	okReq, reqErrs := v.ValidateHttpRequestSync(vreq)
	for _, e := range reqErrs {
		if e.IsPathMissingError() || e.IsOperationMissingError() {
			if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
				return nil
			}
			return []string{fmt.Sprintf("%s %s is not in the OpenAPI description (the server answered %d)", req.Method, req.URL.Path, status)}
		}
	}
	if !okReq && status < 400 {
		problems = append(problems, fmt.Sprintf("the server accepted (%d) a request the OpenAPI description forbids: %s", status, describe(reqErrs)))
	}
	res := &http.Response{StatusCode: status, Header: header.Clone(), Body: io.NopCloser(bytes.NewReader(body)),
		Request: vreq, ContentLength: int64(len(body))}
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	if ok, resErrs := v.ValidateHttpResponse(vreq, res); !ok {
		problems = append(problems, "the response does not match the OpenAPI description: "+describe(resErrs))
	}
	return problems
}

func describe(errs []*verrors.ValidationError) string {
	var parts []string
	for _, e := range errs {
		s := e.Message
		if e.Reason != "" {
			s += ": " + e.Reason
		}
		for _, se := range e.SchemaValidationErrors {
			s += fmt.Sprintf(" [%s: %s]", se.FieldPath, se.Reason)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// ValidateAPI wraps h so every /api/v1 exchange is checked against the
// OpenAPI description, failing t with the method, path, status and the
// validator's words when it does not match. Other paths pass untouched.
func ValidateAPI(t testing.TB, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/v1/") && r.URL.Path != "/api/v1" {
			h.ServeHTTP(w, r)
			return
		}
		// The body is recorded as the handler reads it, never read ahead:
		// some handlers must answer before the body has all arrived.
		// The handler gets a shallow copy holding the recording body: the
		// server's own request keeps its body, which net/http inspects
		// when deciding whether to drain what the handler left unread.
		body := &recordingBody{ReadCloser: r.Body}
		inner := r.WithContext(r.Context())
		if r.Body != nil && r.Body != http.NoBody {
			inner.Body = body
		} else {
			body.eof = true
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, inner)
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		// A JSON decoder stops at the object's end without seeing EOF; a
		// body of the declared length has nonetheless all been read.
		if r.ContentLength >= 0 && int64(body.buf.Len()) == r.ContentLength {
			body.eof = true
		}
		var problems []string
		if body.eof {
			problems = SpecProblems(r, body.buf.Bytes(), rec.Code, rec.Header(), rec.Body.Bytes())
		} else {
			// Refused before its body was read: the request cannot be
			// judged whole, but the answer still must match.
			problems = ResponseProblems(r, rec.Code, rec.Header(), rec.Body.Bytes())
		}
		for _, p := range problems {
			t.Errorf("OpenAPI: %s %s → %d: %s", r.Method, r.URL.RequestURI(), rec.Code, p)
		}
	})
}

// recordingBody keeps what the handler reads of a request body, and
// whether it read it all.
type recordingBody struct {
	io.ReadCloser
	buf bytes.Buffer
	eof bool
}

func (b *recordingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.buf.Write(p[:n])
	if err == io.EOF {
		b.eof = true
	}
	return n, err
}

// ResponseProblems checks only the response of one API exchange against
// the OpenAPI description, for a request whose body was never read whole.
func ResponseProblems(req *http.Request, status int, header http.Header, body []byte) []string {
	v, err := specCheck()
	if err != nil {
		return []string{err.Error()}
	}
	vreq := req.Clone(req.Context())
	vreq.Body = http.NoBody
	res := &http.Response{StatusCode: status, Header: header.Clone(), Body: io.NopCloser(bytes.NewReader(body)),
		Request: vreq, ContentLength: int64(len(body))}
	ok, errs := v.ValidateHttpResponse(vreq, res)
	if ok {
		return nil
	}
	for _, e := range errs {
		if e.IsPathMissingError() || e.IsOperationMissingError() {
			if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
				return nil
			}
			return []string{fmt.Sprintf("%s %s is not in the OpenAPI description (the server answered %d)", req.Method, req.URL.Path, status)}
		}
	}
	return []string{"the response does not match the OpenAPI description: " + describe(errs)}
}

// CheckSpec reports whether the OpenAPI description is valid OpenAPI 3.1.
func CheckSpec() error {
	_, err := specCheck()
	return err
}
