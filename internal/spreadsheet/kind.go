package spreadsheet

import (
	"bytes"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
)

// CheckKind refuses a file that is neither CSV text nor an XLSX workbook
// (a zip) before any row is read from it, so a photo or a PDF given by
// mistake is reported as the wrong kind of file rather than as rows that
// are all invalid. The error is a sentence naming the file, for the
// command line and for an upload form alike.
func CheckKind(name string, data []byte) error {
	base := filepath.Base(name)
	zip := bytes.HasPrefix(data, []byte("PK\x03\x04"))
	kind := http.DetectContentType(data)
	switch {
	case strings.EqualFold(filepath.Ext(name), ".xlsx") && !zip:
		return fmt.Errorf("%s is not an XLSX workbook: its content is not a spreadsheet. Export it again as XLSX or CSV", base)
	case zip, strings.HasPrefix(kind, "text/"):
		return nil
	}
	return fmt.Errorf("%s is not a CSV or XLSX spreadsheet (it looks like %s). Give a CSV or XLSX file", base, describeKind(kind))
}

// describeKind names a sniffed content type for a person.
func describeKind(kind string) string {
	kind, _, _ = strings.Cut(kind, ";")
	switch {
	case strings.HasPrefix(kind, "image/"):
		return "an image"
	case kind == "application/pdf":
		return "a PDF document"
	case strings.HasPrefix(kind, "audio/"), strings.HasPrefix(kind, "video/"):
		return "a sound or video file"
	case kind == "application/x-gzip", kind == "application/x-rar-compressed":
		return "a compressed archive"
	}
	return "a binary file"
}
