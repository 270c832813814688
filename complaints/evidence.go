package complaints

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/campaignwatch/campaignwatch/complaints/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

// Evidence is whatever the public chose to send, so every path that
// stores it (the form, the JSON API) passes it through CheckEvidence,
// which decides its type from its content and gives it a name that says
// that type. A file is never kept under a name that would make a
// computer open it as something else: a PNG called photo.jpg.exe is
// stored as photo.jpg.png, and text is always stored as .txt (or .eml).

// evidenceTypes are the types accepted, with the extensions a stored
// name may end in; the first is the one given to a name that has none of
// them.
var evidenceTypes = map[string][]string{
	"image/png":       {".png"},
	"image/jpeg":      {".jpg", ".jpeg"},
	"image/gif":       {".gif"},
	"image/webp":      {".webp"},
	"application/pdf": {".pdf"},
	"message/rfc822":  {".eml"},
	"text/plain":      {".txt"},
}

// evidenceHead is how much of a file is read to decide its type: the
// content sniffer looks at 512 bytes, a saved email's headers need more.
const evidenceHead = 64 << 10

// CheckEvidence works out a file's type from its content, never from its
// name or what the browser claimed, refuses any type not accepted, and
// returns the name to store it under: the person's name for it, cleaned,
// with its last extension replaced by the sniffed type's when it is not
// already one of that type's. Text that is markup (SVG, HTML, XML: all can
// carry script) is refused. The name only tells a saved email (.eml) from
// other text. content is read to its end only for text, whose every byte
// must be valid UTF-8; pictures and PDFs are judged by their first bytes.
//
// The error is an apperr field error on "evidence" with code empty, type
// or markup.
func CheckEvidence(name string, content io.Reader) (filename, contentType string, err error) {
	name = cleanFilename(name)
	head := make([]byte, evidenceHead)
	n, err := io.ReadFull(content, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", "", err
	}
	head = head[:n]
	if n == 0 {
		return "", "", apperr.Fields(fieldErr("evidence", "empty", "The file %s is empty; choose another", name))
	}
	base, _, _ := strings.Cut(http.DetectContentType(head), ";")
	switch base {
	case "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf":
		return evidenceName(name, base), base, nil
	case "text/plain":
	default:
		return "", "", refusedType(name)
	}
	if isMarkup(head) {
		return "", "", apperr.Fields(fieldErr("evidence", "markup",
			"The file %s is a web page or drawing (such as SVG or HTML), which we cannot accept; take a screenshot and add that instead", name))
	}
	ok, err := validText(head, content)
	if err != nil {
		return "", "", err
	}
	if !ok {
		return "", "", refusedType(name)
	}
	if strings.HasSuffix(strings.ToLower(name), ".eml") {
		if !looksLikeEmail(head) {
			return "", "", refusedType(name)
		}
		return name, "message/rfc822", nil
	}
	return evidenceName(name, "text/plain"), "text/plain", nil
}

func refusedType(name string) error {
	return apperr.Fields(fieldErr("evidence", "type",
		"The file %s must be a picture (PNG, JPEG, GIF, WebP), a PDF, a saved email (.eml) or a text file", name))
}

// extensionRE is what counts as a file name's extension: a few letters
// and digits with at least one letter, so "notes 12.03.2024" has none.
var extensionRE = regexp.MustCompile(`\.[A-Za-z0-9]{0,9}[A-Za-z][A-Za-z0-9]{0,9}$`)

// evidenceName gives name the extension of contentType: kept when it
// already has one of the type's (photo.JPG stays), otherwise its last
// extension is replaced (photo.jpg.exe holding a PNG becomes
// photo.jpg.png, script.svg holding plain text becomes script.txt).
// Characters that some systems refuse or read specially in a file name
// become underscores, and leading and trailing dots and spaces go, so
// the name cannot hide its extension or name a hidden file.
func evidenceName(name, contentType string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"/\|?*;`, r) {
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(name, ". ")
	exts := evidenceTypes[contentType]
	for _, e := range exts {
		if strings.HasSuffix(strings.ToLower(name), e) && len(name) > len(e) {
			return name
		}
	}
	if loc := extensionRE.FindStringIndex(name); loc != nil && loc[0] > 0 {
		name = name[:loc[0]]
	}
	name = strings.TrimRight(name, ". ")
	if name == "" {
		name = "evidence"
	}
	return name + exts[0]
}

// isMarkup reports text that starts, after white space and a byte-order
// mark, with a tag, a comment or a processing instruction: an SVG
// drawing, a web page or XML, all of which a browser or viewer may run
// script from.
func isMarkup(head []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n\f")
	if len(t) < 2 || t[0] != '<' {
		return false
	}
	c := t[1]
	return c == '!' || c == '?' || c == '/' || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

// validText reads the rest of a text file after head and reports whether
// all of it is UTF-8 without NUL bytes, reading in small pieces so a
// large file is never held whole.
func validText(head []byte, rest io.Reader) (bool, error) {
	var carry []byte // the start of a character cut by a piece's end
	piece := make([]byte, 32<<10)
	data := head
	for {
		buf := append(carry, data...)
		cut := len(buf)
		for i := len(buf) - 1; i >= 0 && i >= len(buf)-utf8.UTFMax; i-- {
			if utf8.RuneStart(buf[i]) {
				if !utf8.FullRune(buf[i:]) {
					cut = i
				}
				break
			}
		}
		if !utf8.Valid(buf[:cut]) || bytes.IndexByte(buf[:cut], 0) >= 0 {
			return false, nil
		}
		carry = append([]byte(nil), buf[cut:]...)
		n, err := rest.Read(piece)
		data = piece[:n]
		if errors.Is(err, io.EOF) {
			if n == 0 {
				return len(carry) == 0, nil
			}
		} else if err != nil {
			return false, err
		}
	}
}

var headerLine = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*:`)

// looksLikeEmail checks the file starts with header lines and has at
// least one of the headers every delivered message carries.
func looksLikeEmail(data []byte) bool {
	head := string(data)
	if i := strings.Index(head, "\n\n"); i >= 0 {
		head = head[:i]
	} else if i := strings.Index(head, "\r\n\r\n"); i >= 0 {
		head = head[:i]
	}
	found := false
	for _, line := range strings.Split(strings.ReplaceAll(head, "\r\n", "\n"), "\n") {
		if line == "" || line[0] == ' ' || line[0] == '\t' {
			continue
		}
		if !headerLine.MatchString(line) {
			return false
		}
		k := strings.ToLower(line[:strings.IndexByte(line, ':')])
		if k == "from" || k == "date" || k == "received" || k == "subject" || k == "message-id" {
			found = true
		}
	}
	return found
}

// cleanFilename keeps the last path element of a name as typed or sent
// by a browser, without control or direction-changing characters, at
// most 200 characters.
func cleanFilename(name string) string {
	name = strings.ReplaceAll(cleanLine(name), "\\", "/")
	name = path.Base(name)
	if name == "." || name == "/" || name == ".." || name == "" {
		name = "evidence"
	}
	if utf8.RuneCountInString(name) > 200 {
		name = string([]rune(name)[:200])
	}
	return name
}

// queueDraftEvidence queues the copy of sub's draft files, if it has a
// draft, and marks them sent; the copy happens inside the database, so a
// submission with five 10 MB files never holds them in this process. The
// files were checked by CheckEvidence when they were uploaded.
func queueDraftEvidence(ctx context.Context, q *dbsqlc.Queries, id int64, sub *Submission) {
	if len(sub.EvidenceDraft) > 0 {
		_ = q.EvidenceFromDraft(ctx, dbsqlc.EvidenceFromDraftParams{ComplaintID: id, DraftKey: sub.EvidenceDraft})
		_ = q.MarkDraftSent(ctx, sub.EvidenceDraft)
	}
}

// checkDraftFiles compares the draft files about to be copied with the
// ones the person last saw (sub.EvidenceDraftFiles). A file they saw that
// has since expired is an Invalid error on "evidence" with code expired,
// so the complaint is not stored silently without it; a file they did not
// see (added from another tab) is code changed, so they check again.
func checkDraftFiles(sub *Submission, found []int64) error {
	if len(sub.EvidenceDraft) == 0 {
		return nil
	}
	have := map[int64]bool{}
	for _, id := range found {
		have[id] = true
	}
	for _, id := range sub.EvidenceDraftFiles {
		if !have[id] {
			return apperr.Fields(fieldErr("evidence", "expired",
				"A file you added was kept for 24 hours and has expired; add it again, then send your report"))
		}
		delete(have, id)
	}
	if len(have) > 0 {
		return apperr.Fields(fieldErr("evidence", "changed", "The files with your report have changed; check them, then send your report"))
	}
	return nil
}
