package triage

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxLine is the longest JSON line accepted (a complaint with a long
// pasted message is a few kilobytes).
const maxLine = 1 << 20

// LineDecoder reads complaints as JSON lines.
type LineDecoder struct {
	sc   *bufio.Scanner
	line int
}

// DecodeJSONL returns a decoder of one JSON complaint per line. Blank lines
// are skipped.
func DecodeJSONL(r io.Reader) *LineDecoder {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	return &LineDecoder{sc: sc}
}

// LineError is a line that could not be read as a complaint.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

func (e *LineError) Unwrap() error { return e.Err }

// Next returns the next complaint and its line number. A line that is not
// a valid complaint gives a *LineError and decoding can continue; the end
// of input gives io.EOF; a read failure (or a line over 1 MiB) gives
// another error after which decoding stops.
func (d *LineDecoder) Next() (Complaint, int, error) {
	for d.sc.Scan() {
		d.line++
		b := bytes.TrimSpace(d.sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var c Complaint
		if err := json.Unmarshal(b, &c); err != nil {
			var se *json.SyntaxError
			var te *json.UnmarshalTypeError
			switch {
			case errors.As(err, &se):
				err = fmt.Errorf("not valid JSON: %v", se)
			case errors.As(err, &te):
				err = fmt.Errorf("%s has the wrong type (%s)", te.Field, te.Value)
			}
			return Complaint{}, d.line, &LineError{Line: d.line, Err: err}
		}
		return c, d.line, nil
	}
	if err := d.sc.Err(); err != nil {
		return Complaint{}, d.line + 1, fmt.Errorf("line %d: %w", d.line+1, err)
	}
	return Complaint{}, d.line, io.EOF
}

// LineEncoder writes one JSON result per line.
type LineEncoder struct {
	w   *bufio.Writer
	enc *json.Encoder
}

// EncodeJSONL returns an encoder writing to w. Call Flush at the end.
func EncodeJSONL(w io.Writer) *LineEncoder {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &LineEncoder{w: bw, enc: enc}
}

type resultLine struct {
	Line int             `json:"line"`
	ID   json.RawMessage `json:"id,omitempty"`
	Result
}

type errorLine struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// Encode writes the result for input line n.
func (e *LineEncoder) Encode(n int, r Result) error {
	return e.enc.Encode(resultLine{Line: n, ID: r.ID, Result: r})
}

// EncodeError writes an error line for input line n; the message names
// the line.
func (e *LineEncoder) EncodeError(n int, err error) error {
	msg := err.Error()
	var le *LineError
	if !errors.As(err, &le) {
		msg = fmt.Sprintf("line %d: %s", n, msg)
	}
	return e.enc.Encode(errorLine{Line: n, Error: msg})
}

// Flush writes out buffered lines.
func (e *LineEncoder) Flush() error { return e.w.Flush() }

// Run triages every line of r into w and returns how many complaints were
// triaged and how many lines were bad. Output is flushed after each line
// when interactive is set, so a person typing sees answers at once.
func (e *Engine) Run(r io.Reader, w io.Writer, ctx *Context, interactive bool) (ok, bad int, err error) {
	dec, enc := DecodeJSONL(r), EncodeJSONL(w)
	defer enc.Flush()
	for {
		c, line, err := dec.Next()
		if errors.Is(err, io.EOF) {
			return ok, bad, enc.Flush()
		}
		var le *LineError
		switch {
		case errors.As(err, &le):
			bad++
			if err := enc.EncodeError(line, err); err != nil {
				return ok, bad, err
			}
		case err != nil:
			bad++
			_ = enc.EncodeError(line, err)
			return ok, bad, err
		default:
			ok++
			if err := enc.Encode(line, e.Triage(&c, ctx)); err != nil {
				return ok, bad, err
			}
		}
		if interactive {
			if err := enc.Flush(); err != nil {
				return ok, bad, err
			}
		}
	}
}
