package audits

import (
	"slices"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
)

// Term is one code of an audit vocabulary with its English and Welsh
// labels; it is the complaints vocabulary's own type, so pages and exports
// show every code through one mechanism.
type Term = vocab.Term

// Vocabulary is one list of codes, in the order pages and reports show
// them.
type Vocabulary []Term

// Codes returns every code, in order.
func (v Vocabulary) Codes() []string {
	out := make([]string, len(v))
	for i, t := range v {
		out[i] = t.Code
	}
	return out
}

// Has reports whether code is in the vocabulary.
func (v Vocabulary) Has(code string) bool { return v.Rank(code) < len(v) }

// Rank is code's place in the vocabulary; an unknown code sorts last.
func (v Vocabulary) Rank(code string) int {
	if i := slices.IndexFunc(v, func(t Term) bool { return t.Code == code }); i >= 0 {
		return i
	}
	return len(v)
}

// Label is code's label in lang ("en" or "cy"). An unknown code, which
// the database's constraints keep out, is returned as it is.
func (v Vocabulary) Label(code, lang string) string {
	if i := v.Rank(code); i < len(v) {
		return v[i].Label.In(lang)
	}
	return code
}

// Labels maps each code to its label in lang.
func (v Vocabulary) Labels(lang string) map[string]string {
	out := make(map[string]string, len(v))
	for _, t := range v {
		out[t.Code] = t.Label.In(lang)
	}
	return out
}

// Types are the two kinds of audit. A compulsory audit follows an
// assessment notice under section 146 of the Data Protection Act 2018; a
// consensual one is agreed with the party.
var Types = Vocabulary{
	{Code: "compulsory", Label: vocab.Text{EN: "Compulsory audit (assessment notice)", CY: "Archwiliad gorfodol (hysbysiad asesu)"},
		Report: vocab.Text{EN: "compulsory audit", CY: "archwiliad gorfodol"}},
	{Code: "consensual", Label: vocab.Text{EN: "Consensual audit", CY: "Archwiliad cydsyniol"},
		Report: vocab.Text{EN: "consensual audit", CY: "archwiliad cydsyniol"}},
}

// States are an audit's stages, in the only order it moves through them.
var States = Vocabulary{
	{Code: "planned", Label: vocab.Text{EN: "Planned", CY: "Wedi'i gynllunio"}},
	{Code: "fieldwork", Label: vocab.Text{EN: "In fieldwork", CY: "Gwaith maes ar y gweill"}},
	{Code: "report_issued", Label: vocab.Text{EN: "Report issued", CY: "Adroddiad wedi'i gyhoeddi"}},
	{Code: "follow_up", Label: vocab.Text{EN: "Follow-up", CY: "Dilyniant"}},
	{Code: "closed", Label: vocab.Text{EN: "Closed", CY: "Wedi cau"}},
}

// Assurance levels, the audit's overall opinion, best first.
var Assurance = Vocabulary{
	{Code: "high", Label: vocab.Text{EN: "High", CY: "Uchel"}, Report: vocab.Text{EN: "a high level of assurance", CY: "lefel uchel o sicrwydd"}},
	{Code: "reasonable", Label: vocab.Text{EN: "Reasonable", CY: "Rhesymol"}, Report: vocab.Text{EN: "a reasonable level of assurance", CY: "lefel resymol o sicrwydd"}},
	{Code: "limited", Label: vocab.Text{EN: "Limited", CY: "Cyfyngedig"}, Report: vocab.Text{EN: "a limited level of assurance", CY: "lefel gyfyngedig o sicrwydd"}},
	{Code: "very_limited", Label: vocab.Text{EN: "Very limited", CY: "Cyfyngedig iawn"}, Report: vocab.Text{EN: "a very limited level of assurance", CY: "lefel gyfyngedig iawn o sicrwydd"}},
}

// Areas are where a finding falls: the five of the 2020 summary report
// and "other".
var Areas = Vocabulary{
	{Code: "privacy_information", Label: vocab.Text{EN: "Privacy information", CY: "Gwybodaeth preifatrwydd"}},
	{Code: "lawful_basis", Label: vocab.Text{EN: "Lawful basis", CY: "Sail gyfreithlon"}},
	{Code: "profiling", Label: vocab.Text{EN: "Profiling", CY: "Proffilio"}},
	{Code: "social_media_targeting", Label: vocab.Text{EN: "Social media targeting", CY: "Targedu ar gyfryngau cymdeithasol"}},
	{Code: "accountability", Label: vocab.Text{EN: "Accountability", CY: "Atebolrwydd"}},
	{Code: "other", Label: vocab.Text{EN: "Other", CY: "Arall"}},
}

// Priorities are the triage priorities: a recommendation is graded on the
// same four levels as a complaint.
var Priorities = Vocabulary(vocab.Priorities)

// Responses are the party's answer to a recommendation.
var Responses = Vocabulary{
	{Code: "agreed", Label: vocab.Text{EN: "Agreed", CY: "Cytunwyd"}},
	{Code: "partly_agreed", Label: vocab.Text{EN: "Partly agreed", CY: "Cytunwyd yn rhannol"}},
	{Code: "not_agreed", Label: vocab.Text{EN: "Not agreed", CY: "Heb gytuno"}},
}

// Statuses are the follow-up review's finding on one recommendation, most
// done first.
var Statuses = Vocabulary{
	{Code: "completed", Label: vocab.Text{EN: "Completed", CY: "Wedi'i gwblhau"}},
	{Code: "meaningful_progress", Label: vocab.Text{EN: "Meaningful progress", CY: "Cynnydd ystyrlon"}},
	{Code: "some_progress", Label: vocab.Text{EN: "Some progress", CY: "Rhywfaint o gynnydd"}},
	{Code: "not_started", Label: vocab.Text{EN: "Not started", CY: "Heb ddechrau"}},
	{Code: "no_longer_applicable", Label: vocab.Text{EN: "No longer applicable", CY: "Nid yw'n berthnasol mwyach"}},
}

// NotReviewed names a recommendation the follow-up review has not given a
// status yet.
var NotReviewed = Term{Code: "not_reviewed", Label: vocab.Text{EN: "Not yet reviewed", CY: "Heb ei adolygu eto"}}

// Closed reports whether a follow-up status leaves nothing to do.
func Closed(status string) bool { return status == "completed" || status == "no_longer_applicable" }

// Conclusions are the follow-up review's overall conclusions, a small
// fixed set. Label is how pages name one; Report is the sentence a letter
// and a report use, completing "The follow-up review found that the party
// ..." in our own words.
var Conclusions = Vocabulary{
	{Code: "all_completed", Label: vocab.Text{EN: "All actions completed", CY: "Pob cam wedi'i gwblhau"},
		Report: vocab.Text{
			EN: "has completed every action agreed after the audit.",
			CY: "wedi cwblhau pob cam a gytunwyd ar ôl yr archwiliad."}},
	{Code: "meaningful_progress", Label: vocab.Text{EN: "Meaningful progress on or completion of all actions", CY: "Cynnydd ystyrlon ar bob cam neu eu cwblhau"},
		Report: vocab.Text{
			EN: "has completed, or made meaningful progress on, every action agreed after the audit, and the actions still open are moving forward well enough to reduce the risk of not complying.",
			CY: "wedi cwblhau, neu wedi gwneud cynnydd ystyrlon ar, bob cam a gytunwyd ar ôl yr archwiliad, a bod y camau sy'n dal ar agor yn symud ymlaen yn ddigon da i leihau'r risg o beidio â chydymffurfio."}},
	{Code: "limited_progress", Label: vocab.Text{EN: "Limited progress: further work needed", CY: "Cynnydd cyfyngedig: mae angen rhagor o waith"},
		Report: vocab.Text{
			EN: "has made progress on some of the actions agreed after the audit, but others, including higher-priority ones, still need work before we can be assured the risk is controlled.",
			CY: "wedi gwneud cynnydd ar rai o'r camau a gytunwyd ar ôl yr archwiliad, ond mae angen gwaith o hyd ar eraill, gan gynnwys rhai â blaenoriaeth uwch, cyn y gallwn fod yn sicr bod y risg dan reolaeth."}},
	{Code: "insufficient_progress", Label: vocab.Text{EN: "Insufficient progress", CY: "Cynnydd annigonol"},
		Report: vocab.Text{
			EN: "has not made enough progress on the actions agreed after the audit, and we are considering what further steps to take.",
			CY: "heb wneud digon o gynnydd ar y camau a gytunwyd ar ôl yr archwiliad, ac rydym yn ystyried pa gamau pellach i'w cymryd."}},
}

// Scopes are the areas an audit can cover, as the 2020 audits' scope was
// set out.
var Scopes = Vocabulary{
	{Code: "management_structures", Label: vocab.Text{EN: "Management structures", CY: "Strwythurau rheoli"}},
	{Code: "policies_procedures", Label: vocab.Text{EN: "Policies and procedures", CY: "Polisïau a gweithdrefnau"}},
	{Code: "dpia_governance", Label: vocab.Text{EN: "Data protection impact assessment governance", CY: "Llywodraethu asesiadau effaith ar ddiogelu data"}},
	{Code: "dpia_consultation", Label: vocab.Text{EN: "Data protection impact assessment consultation and outcomes", CY: "Ymgynghori ar asesiadau effaith ar ddiogelu data a'u canlyniadau"}},
	{Code: "records_accuracy", Label: vocab.Text{EN: "Accuracy and integrity of records", CY: "Cywirdeb ac uniondeb cofnodion"}},
	{Code: "fairness_transparency", Label: vocab.Text{EN: "Fairness and transparency", CY: "Tegwch a thryloywder"}},
	{Code: "data_brokers", Label: vocab.Text{EN: "Data broker arrangements", CY: "Trefniadau gyda broceriaid data"}},
	{Code: "analytics_profiling", Label: vocab.Text{EN: "Data analytics and profiling", CY: "Dadansoddi data a phroffilio"}},
	{Code: "social_media", Label: vocab.Text{EN: "Social media for marketing and campaigning", CY: "Cyfryngau cymdeithasol ar gyfer marchnata ac ymgyrchu"}},
	{Code: "online_platforms", Label: vocab.Text{EN: "Online campaign platforms", CY: "Llwyfannau ymgyrchu ar-lein"}},
	{Code: "individual_rights", Label: vocab.Text{EN: "Individual rights", CY: "Hawliau unigolion"}},
}

// areaProvisions are the provisions (legal-reference.md ids) whose
// breach shows a problem in each area. A complaint triaged under one of
// them touches an open recommendation in that area, which is how the
// post-election report links complaints to the audit programme.
var areaProvisions = map[string][]string{
	"privacy_information":    {"UKGDPR-5-1-a", "UKGDPR-13", "UKGDPR-14"},
	"lawful_basis":           {"UKGDPR-6", "UKGDPR-9", "PECR-19", "PECR-21", "PECR-22"},
	"profiling":              {"UKGDPR-21", "UKGDPR-22", "UKGDPR-35"},
	"social_media_targeting": {"UKGDPR-26", "PECR-6"},
	"accountability":         {"UKGDPR-5-1-f", "UKGDPR-32", "UKGDPR-33", "UKGDPR-34", "PECR-23", "PECR-24"},
}

// AreaProvisions returns the provisions that show a problem in area; none
// for "other".
func AreaProvisions(area string) []string { return slices.Clone(areaProvisions[area]) }

// SocialMediaChannel is the complaint channel that always touches the
// social media targeting area, whatever provisions triage found.
const SocialMediaChannel = "social_media_ad"
