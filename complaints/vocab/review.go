package vocab

// The review statuses of a complaint, in the order a complaint moves
// through them.
const (
	StatusNew      = "new"
	StatusTriaged  = "triaged"
	StatusInReview = "in_review"
	StatusClosed   = "closed"
)

// Statuses lists the statuses in order.
var Statuses = []Term{
	{Code: StatusNew, Label: Text{"New", "Newydd"}, Report: Text{"Open: not yet triaged", "Ar agor: heb ei frysbennu eto"}},
	{Code: StatusTriaged, Label: Text{"Triaged", "Wedi'i frysbennu"}, Report: Text{"Open: triaged, awaiting review", "Ar agor: wedi'i frysbennu, yn aros am adolygiad"}},
	{Code: StatusInReview, Label: Text{"In review", "Wrthi'n cael ei adolygu"}, Report: Text{"Open: being reviewed", "Ar agor: wrthi'n cael ei adolygu"}},
	{Code: StatusClosed, Label: Text{"Closed", "Ar gau"}},
}

// The outcomes of a closed complaint.
const (
	OutcomeNoBreach       = "no_breach"
	OutcomeAdviceGiven    = "advice_given"
	OutcomePartyContacted = "party_contacted"
	OutcomeReferred       = "referred_to_investigations"
	OutcomeDuplicate      = "duplicate"
)

// Outcomes lists how a closed complaint can end, in the order pages offer
// them.
var Outcomes = []Term{
	{Code: OutcomeNoBreach, Label: Text{"No breach", "Dim torri rheolau"},
		Report: Text{"Closed: no breach found", "Ar gau: ni chanfuwyd bod rheolau wedi'u torri"}},
	{Code: OutcomeAdviceGiven, Label: Text{"Advice given", "Cyngor wedi'i roi"},
		Report: Text{"Closed: advice given to the complainant", "Ar gau: cyngor wedi'i roi i'r achwynydd"}},
	{Code: OutcomePartyContacted, Label: Text{"Party contacted", "Cysylltwyd â'r blaid"},
		Report: Text{"Closed: we contacted the party", "Ar gau: fe wnaethom gysylltu â'r blaid"}},
	{Code: OutcomeReferred, Label: Text{"Referred to investigations", "Wedi'i gyfeirio at ymchwiliadau"},
		Report: Text{"Closed: referred for investigation", "Ar gau: wedi'i gyfeirio i'w ymchwilio"}},
	{Code: OutcomeDuplicate, Label: Text{"Duplicate", "Dyblyg"},
		Report: Text{"Closed: duplicate of another complaint", "Ar gau: yr un fath â chwyn arall"}},
}

// StatusCodes returns every status's code, in order.
func StatusCodes() []string { return codes(Statuses) }

// OutcomeCodes returns every outcome's code, in order.
func OutcomeCodes() []string { return codes(Outcomes) }

// IsStatus reports whether code is a review status.
func IsStatus(code string) bool {
	_, ok := find(Statuses, code)
	return ok
}

// IsOutcome reports whether code is an outcome.
func IsOutcome(code string) bool {
	_, ok := find(Outcomes, code)
	return ok
}

// StatusLabel is the status's English label, or the code itself.
func StatusLabel(code string) string { return label(Statuses, code) }

// OutcomeLabel is the outcome's English label, or the code itself.
func OutcomeLabel(code string) string { return label(Outcomes, code) }

// ReportStandings maps each status and outcome code to how follow-up
// reports describe where a complaint stands ("Open: being reviewed",
// "Closed: no breach found"), in lang.
func ReportStandings(lang string) map[string]string {
	out := map[string]string{}
	for _, ts := range [][]Term{Statuses, Outcomes} {
		for _, t := range ts {
			out[t.Code] = t.ReportLabel(lang)
		}
	}
	return out
}
