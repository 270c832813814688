package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/plaintext"
)

// Every piece of text a request carries is checked here, once, before any
// handler sees it: query parameters (refuseInvalidQuery, on every request),
// form fields (limitBody, on every route that takes a body) and the
// keys and strings of a JSON body (limitBody too). PostgreSQL cannot
// store NUL in text and refuses invalid UTF-8, and other control
// characters have no business in a name or a filter; a handler that
// passed them on would answer 500 for what is the sender's mistake. The
// answer is 422 naming the field instead.

// invalidText is the one rule (see plaintext): tab, CR and LF are
// allowed where text may run over several lines (form fields and JSON
// strings), never in a query parameter or a path.
func invalidText(s string, multiline bool) bool { return plaintext.Invalid(s, multiline) }

// invalidTextError names the field whose text was refused.
func invalidTextError(field string) error {
	return &apperr.Error{
		Code: apperr.Invalid,
		Message: fmt.Sprintf("The answer for %q contains a character that cannot be accepted: a control "+
			"character (such as NUL) or text that is not valid UTF-8. Remove it and try again.", field),
		Fields: []apperr.FieldError{{Field: field, Code: "invalid_text",
			Message: "Remove the control character (such as NUL) or the text that is not valid UTF-8"}},
	}
}

// forVisitor words an invalid-text error from a public page in the
// visitor's language (staff pages and the API are in English).
func (s *Server) forVisitor(w http.ResponseWriter, r *http.Request, err error) error {
	var ae *apperr.Error
	if isStaffPath(r.URL.Path) || !errors.As(err, &ae) || len(ae.Fields) != 1 || ae.Fields[0].Code != "invalid_text" {
		return err
	}
	lang := s.requestLang(w, r)
	field := ae.Fields[0].Field
	return &apperr.Error{Code: apperr.Invalid, Message: translate(lang, "err.invalid_text_page", field),
		Fields: []apperr.FieldError{{Field: field, Code: "invalid_text", Message: translate(lang, "err.invalid_text")}}}
}

// checkValues finds the first field of v whose name or value is not
// acceptable text.
func checkValues(v url.Values, multiline bool) error {
	for k, vals := range v {
		if invalidText(k, false) {
			return invalidTextError(strconv.QuoteToASCII(k))
		}
		for _, s := range vals {
			if invalidText(s, multiline) {
				return invalidTextError(k)
			}
		}
	}
	return nil
}

// refuseInvalidQuery answers 422 for a query parameter that is not
// acceptable text, on every route, and 400 for such a path.
func (s *Server) refuseInvalidQuery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if invalidText(r.URL.Path, false) {
			s.Error(w, r, apperr.New(apperr.BadRequest, "The address contains a character that is not allowed."))
			return
		}
		if r.URL.RawQuery != "" {
			if err := checkValues(r.URL.Query(), false); err != nil {
				s.Error(w, r, s.forVisitor(w, r, err))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// checkForm parses a urlencoded or multipart body (once: handlers and the
// CSRF check then read the parsed form) and checks every field and every
// uploaded file's name. Other bodies are left to their handlers.
func checkForm(r *http.Request) error {
	if safeMethod(r.Method) {
		return nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" && ct != "multipart/form-data" {
		return nil
	}
	if err := parseForm(r); err != nil {
		return err
	}
	if err := checkValues(r.PostForm, true); err != nil {
		return err
	}
	if r.MultipartForm != nil {
		for k, files := range r.MultipartForm.File {
			for _, f := range files {
				if invalidText(f.Filename, false) {
					return invalidTextError(k)
				}
			}
		}
	}
	return nil
}

// isJSONType reports whether a Content-Type names JSON (any charset, which
// JSON ignores: it is always UTF-8).
func isJSONType(contentType string) bool {
	ct, _, err := mime.ParseMediaType(contentType)
	return err == nil && ct == "application/json"
}

// requireJSON guards the JSON API: a request with a body must say it is
// application/json, or it is refused with 415 before anything is read.
// Requiring the type also means a web page elsewhere cannot have its
// visitors' browsers post to the API: the types a page may send without
// asking first (text/plain, forms) are all refused. An upload route that
// takes files mounts outside it.
func (s *Server) requireJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ct := r.Header.Get("Content-Type")
		if safeMethod(r.Method) || ct == "" && r.ContentLength == 0 || isJSONType(ct) {
			// An empty POST such as .../deactivate needs no type.
			next.ServeHTTP(w, r)
			return
		}
		s.Error(w, r, apperr.New(apperr.UnsupportedType, "Send the body as JSON with the header Content-Type: application/json."))
	})
}

// checkJSON reads a JSON body (within the body limit already set) and
// checks every key and string in it, then gives the handler the same
// bytes to read.
func checkJSON(r *http.Request) error {
	if safeMethod(r.Method) || !isJSONType(r.Header.Get("Content-Type")) {
		return nil
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	r.Body = io.NopCloser(bytes.NewReader(raw))
	if field, bad := invalidJSONText(raw); bad {
		return invalidTextError(field)
	}
	return nil
}

// jsonFrame is one open object or array while walking a JSON document.
type jsonFrame struct {
	object  bool
	wantKey bool   // in an object: the next string is a key
	key     string // in an object: the current member's key
	index   int    // in an array: the current element's index
}

// invalidJSONText walks a JSON document and returns the path (such as
// complainant.name or evidence[0].filename) of the first key or string
// that is not acceptable text. Malformed JSON is not its business: it
// reports nothing, and the handler's decoder explains the problem. The
// raw bytes of each token are checked for UTF-8 as well, because the
// decoder quietly replaces invalid bytes with U+FFFD.
func invalidJSONText(raw []byte) (string, bool) {
	if utf8.Valid(raw) && !bytes.Contains(raw, []byte(`\u00`)) {
		// Control characters can reach a JSON string only escaped (raw
		// ones make the document malformed), and every C0 escape begins
		// \u00: most bodies are done with here.
		return "", false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	var stack []jsonFrame
	prev := int64(0)
	path := func(last string) string {
		var b strings.Builder
		for i, f := range stack {
			switch {
			case f.object && i == len(stack)-1 && last != "":
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(last)
			case f.object:
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(f.key)
			default:
				fmt.Fprintf(&b, "[%d]", f.index)
			}
		}
		if b.Len() == 0 {
			return "body"
		}
		return b.String()
	}
	// valueDone moves the innermost container past the value just read.
	valueDone := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].object {
				stack[n-1].wantKey = true
			} else {
				stack[n-1].index++
			}
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		off := dec.InputOffset()
		segment := raw[prev:off]
		prev = off
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, jsonFrame{object: true, wantKey: true})
			case '[':
				stack = append(stack, jsonFrame{})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantKey {
				if !utf8.Valid(segment) || invalidText(t, false) {
					return path(strconv.QuoteToASCII(t)), true
				}
				stack[n-1].key, stack[n-1].wantKey = t, false
				continue
			}
			if !utf8.Valid(segment) || invalidText(t, true) {
				return path(""), true
			}
			valueDone()
		default:
			valueDone()
		}
	}
}
