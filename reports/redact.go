package reports

import "github.com/campaignwatch/campaignwatch/internal/redact"

// Complainant is the personal data of the person who complained, used only
// to find and remove it from free text (see internal/redact, the one
// redactor). It is never written to a report.
type Complainant = redact.Person
