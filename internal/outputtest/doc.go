// Package outputtest checks, for tests, the files the service hands to
// people: PDFs as poppler lays them out and reads them, and workbooks as
// LibreOffice opens them. Only tests import it; it needs poppler-utils
// and LibreOffice installed, and fails (never skips) without them.
package outputtest
