// Package apperr defines the application's error vocabulary.
//
// Domain packages return an *Error with one of a handful of codes; the web
// package's single error responder maps a code to an HTTP status and shows
// the user only the error's public message, never the wrapped cause. Any
// other error is treated as internal and logged, not shown.
package apperr

import (
	"errors"
	"fmt"
)

// Code classifies an application error by what the caller can do about it.
type Code string

// The codes. Each maps to exactly one HTTP status in the web package.
const (
	Invalid      Code = "invalid"      // the input is wrong; fix it and retry (422)
	BadRequest   Code = "bad_request"  // the request itself is malformed (400)
	Unauthorized Code = "unauthorized" // the caller is not signed in (401)
	Forbidden    Code = "forbidden"    // signed in, but not allowed (403)
	NotFound     Code = "not_found"    // no such object (404)
	Conflict     Code = "conflict"     // the object's state forbids this now (409)
	TooLarge     Code = "too_large"    // the request body is over the limit (413)
	// UnsupportedType is a body of a type the endpoint does not take (415).
	UnsupportedType Code = "unsupported_media_type"
	RateLimited     Code = "rate_limited" // slow down (429)
	Unavailable     Code = "unavailable"  // a dependency is down; try again (503)
	Internal        Code = "internal"     // a bug or unexpected failure (500)
)

// FieldError names one invalid input field and how to fix it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	// Code is a stable machine name for the problem ("required",
	// "too_long", "invalid", "future"), so a page can show its own
	// translated wording; it is not part of the JSON error body.
	Code string `json:"-"`
}

// Error is an application error. Message is safe to show to the user; Err is
// the underlying cause, for logs only.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error with a code and a user-facing message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an error with a code and user-facing message that keeps err
// as its cause.
func Wrap(code Code, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// Fields returns an Invalid error listing every field that needs fixing.
func Fields(fields ...FieldError) *Error {
	return &Error{Code: Invalid, Message: "Some answers need fixing.", Fields: fields}
}

// CodeOf returns the code of err, or Internal when err is not an *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// MessageOf returns the user-facing message of err; internal errors get a
// generic sentence so no detail of the failure leaks out.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != Internal {
		return e.Message
	}
	return "Something went wrong on our side. Please try again later."
}

// FieldsOf returns the field errors carried by err, if any.
func FieldsOf(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
