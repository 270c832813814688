package reports

import (
	"fmt"
	"slices"
	"strings"

	"github.com/campaignwatch/campaignwatch/internal/legal"
)

// The words of the follow-up report and letter, in English and Welsh side
// by side. Nothing here names a provision or guidance point by its id: a
// party reads the citation (legal.Cite), what the provision is about
// (legal.ProvisionByID(id).About) and what the guidance asks, in our words.

// tr is a text in both languages.
type tr struct{ en, cy string }

func (t tr) in(lang string) string {
	if lang == "cy" && t.cy != "" {
		return t.cy
	}
	return t.en
}

// guidancePoint is what one guidance point of the rulebook asks, and the
// document of the settings' library that explains it.
type guidancePoint struct {
	asks tr
	ref  string
}

// guidancePoints are keyed by the rulebook's guidance ids, which a party
// never sees.
var guidancePoints = map[string]guidancePoint{
	"G1": {tr{"Data protection and electronic marketing law applies before, during and after an election's regulated period, not only while campaigning is at its height.",
		"Mae cyfraith diogelu data a marchnata electronig yn berthnasol cyn, yn ystod ac ar ôl cyfnod rheoleiddiedig etholiad, nid dim ond pan fo'r ymgyrchu ar ei anterth."},
		"guidance.political-campaigning"},
	"G2": {tr{"Give people clear privacy information that is easy to find, covering what you infer about them, where you obtained their details (such as data brokers or platforms) and whether you share them with social media platforms for targeted adverts.",
		"Rhowch wybodaeth preifatrwydd glir sy'n hawdd dod o hyd iddi, gan gynnwys yr hyn rydych yn ei dybio amdanynt, o ble y cawsoch eu manylion (megis broceriaid data neu blatfformau) ac a ydych yn eu rhannu â phlatfformau cyfryngau cymdeithasol ar gyfer hysbysebion wedi'u targedu."},
		"guidance.right-to-be-informed"},
	"G3": {tr{"Be able to show that you comply with the law, and that the companies you use, such as analytics providers and campaign platforms, comply too.",
		"Byddwch yn gallu dangos eich bod yn cydymffurfio â'r gyfraith, a bod y cwmnïau rydych yn eu defnyddio, megis darparwyr dadansoddeg a phlatfformau ymgyrchu, yn cydymffurfio hefyd."},
		"guidance.accountability"},
	"G4": {tr{"Where the law requires consent before you call, text or email people with political messages, keep a record of that consent.",
		"Lle mae'r gyfraith yn gofyn am ganiatâd cyn i chi ffonio, tecstio neu e-bostio pobl â negeseuon gwleidyddol, cadwch gofnod o'r caniatâd hwnnw."},
		"guidance.direct-marketing"},
	"G5": {tr{"Before you use special category data, such as political opinions or ethnicity, identify the condition that allows you to.",
		"Cyn i chi ddefnyddio data categori arbennig, megis barn wleidyddol neu ethnigrwydd, nodwch yr amod sy'n caniatáu i chi wneud hynny."},
		"guidance.special-category-data"},
	"BCC": {tr{"Send email to many people by blind copy or through a bulk-mail service, and check the security of bulk sending before you start.",
		"Anfonwch e-bost at lawer o bobl drwy gopi dall neu drwy wasanaeth post swmp, a gwiriwch ddiogelwch anfon swmp cyn i chi ddechrau."},
		"guidance.bulk-email"},
}

// theme is one thing a party can be asked to do, the provisions and
// guidance points whose complaints call for it, how serious it is, and
// its words. what is a format string taking the theme's complaints and the
// report's complaints.
type theme struct {
	key        string
	provisions []string
	guidance   []string
	// weight ranks themes with the same number of complaints: exposed
	// data and ignored objections harm people more than a missing opt-out
	// line does.
	weight int
	ref    string
	what   tr
	do     tr
}

// themes are the requests a report can make. They do not overlap: each
// provision and guidance point belongs to one theme at most.
var themes = []theme{
	{key: "breach", provisions: []string{"UKGDPR-5-1-f", "UKGDPR-32", "UKGDPR-33", "UKGDPR-34"}, guidance: []string{"BCC"}, weight: 4,
		ref: "guidance.personal-data-breaches",
		what: tr{"%d of your %d complaints were about personal data your party exposed or shared, for example emails that showed every recipient's address.",
			"Roedd %d o'ch %d cwyn yn ymwneud â data personol a ddatgelwyd neu a rannwyd gan eich plaid, er enghraifft negeseuon e-bost a oedd yn dangos cyfeiriad pob derbynnydd."},
		do: tr{"Find out how each exposure happened, decide whether it is a personal data breach you must report to us within 72 hours and whether the people affected must be told, and send email to many people only by blind copy or through a bulk-mail service.",
			"Darganfyddwch sut y digwyddodd pob achos, penderfynwch a yw'n achos o dorri diogelwch data personol y mae'n rhaid i chi roi gwybod i ni amdano o fewn 72 awr ac a oes rhaid dweud wrth y bobl yr effeithiwyd arnynt, ac anfonwch e-bost at lawer o bobl drwy gopi dall neu wasanaeth post swmp yn unig."}},
	{key: "objection", provisions: []string{"UKGDPR-21"}, weight: 3, ref: "guidance.direct-marketing",
		what: tr{"%d of your %d complaints said you kept contacting people after they had asked you to stop.",
			"Roedd %d o'ch %d cwyn yn dweud eich bod wedi parhau i gysylltu â phobl ar ôl iddyn nhw ofyn i chi stopio."},
		do: tr{"Stop all direct marketing to anyone who objects, on every channel and across your whole organisation, and keep one list of people who objected that every campaign checks before it sends or calls.",
			"Rhowch y gorau i bob marchnata uniongyrchol at unrhyw un sy'n gwrthwynebu, ar bob sianel ac ym mhob rhan o'ch sefydliad, a chadwch un rhestr o'r bobl a wrthwynebodd y mae pob ymgyrch yn ei gwirio cyn anfon neu ffonio."}},
	{key: "special", provisions: []string{"UKGDPR-9", "UKGDPR-35", "UKGDPR-22"}, guidance: []string{"G5"}, weight: 3, ref: "guidance.special-category-data",
		what: tr{"%d of your %d complaints concerned information revealing or inferring people's political opinions, ethnicity or other sensitive characteristics, or profiling used to target them.",
			"Roedd %d o'ch %d cwyn yn ymwneud â gwybodaeth sy'n datgelu neu'n casglu barn wleidyddol, ethnigrwydd neu nodweddion sensitif eraill pobl, neu broffilio a ddefnyddiwyd i'w targedu."},
		do: tr{"Before you use or infer such information, identify the condition the law allows you to rely on, and carry out or update a data protection impact assessment of your profiling and targeting.",
			"Cyn i chi ddefnyddio neu gasglu gwybodaeth o'r fath, nodwch yr amod y mae'r gyfraith yn caniatáu i chi ddibynnu arno, a chynhaliwch neu ddiweddarwch asesiad effaith diogelu data o'ch proffilio a'ch targedu."}},
	{key: "calls", provisions: []string{"PECR-19", "PECR-21", "PECR-24"}, weight: 3, ref: "guidance.direct-marketing",
		what: tr{"%d of your %d complaints were about phone calls: recorded calls made without consent, calls to numbers registered with the Telephone Preference Service or to people who had objected, or callers who did not say who they were.",
			"Roedd %d o'ch %d cwyn yn ymwneud â galwadau ffôn: galwadau wedi'u recordio heb ganiatâd, galwadau i rifau sydd wedi'u cofrestru gyda'r Gwasanaeth Dewis Ffôn neu i bobl a oedd wedi gwrthwynebu, neu alwyr na ddywedodd pwy oedden nhw."},
		do: tr{"Make recorded calls only to people who have specifically agreed to them, screen every call list against the Telephone Preference Service and your own list of people who asked not to be called, and make sure every caller says who they are calling for and shows a number that can be called back.",
			"Gwnewch alwadau wedi'u recordio dim ond i bobl sydd wedi cytuno'n benodol iddynt, gwiriwch bob rhestr alwadau yn erbyn y Gwasanaeth Dewis Ffôn a'ch rhestr eich hun o bobl a ofynnodd am beidio â chael galwad, a gwnewch yn siŵr bod pob galwr yn dweud ar ran pwy y mae'n galw ac yn dangos rhif y gellir ei ffonio'n ôl."}},
	{key: "consent", provisions: []string{"PECR-22"}, guidance: []string{"G4"}, weight: 2, ref: "guidance.direct-marketing",
		what: tr{"%d of your %d complaints were about texts, emails or direct messages sent without the person's consent.",
			"Roedd %d o'ch %d cwyn yn ymwneud â negeseuon testun, e-byst neu negeseuon uniongyrchol a anfonwyd heb ganiatâd yr unigolyn."},
		do: tr{"Send campaign texts, emails and direct messages only to people who have agreed to receive them from your party, and keep a record of when and how each person agreed; the 'soft opt-in' is not open to political parties.",
			"Anfonwch negeseuon testun, e-byst a negeseuon uniongyrchol ymgyrch dim ond at bobl sydd wedi cytuno i'w cael gan eich plaid, a chadwch gofnod o bryd a sut y cytunodd pob un; nid yw'r 'soft opt-in' ar gael i bleidiau gwleidyddol."}},
	{key: "opt-out", provisions: []string{"PECR-23"}, weight: 2, ref: "guidance.direct-marketing",
		what: tr{"%d of your %d complaints were about messages that did not say clearly who sent them or gave no way to opt out.",
			"Roedd %d o'ch %d cwyn yn ymwneud â negeseuon nad oeddent yn dweud yn glir pwy a'u hanfonodd neu nad oeddent yn cynnig ffordd o optio allan."},
		do: tr{"Make every message name your party as its sender and give a simple, free way to opt out, and act on every opt-out at once.",
			"Gwnewch yn siŵr bod pob neges yn enwi'ch plaid fel yr anfonwr ac yn cynnig ffordd syml a rhad ac am ddim o optio allan, a gweithredwch ar bob cais i optio allan ar unwaith."}},
	{key: "informed", provisions: []string{"UKGDPR-13", "UKGDPR-14", "UKGDPR-5-1-a", "UKGDPR-6"}, guidance: []string{"G2"}, weight: 2, ref: "guidance.right-to-be-informed",
		what: tr{"%d of your %d complaints came from people who did not know how your party got their details or why it used them.",
			"Daeth %d o'ch %d cwyn gan bobl nad oeddent yn gwybod sut y cafodd eich plaid eu manylion na pham y'u defnyddiwyd."},
		do: tr{"Tell people who you are, where their details came from, what you do with them and how to object, when you collect their details or within a month of obtaining them from elsewhere, and record the lawful basis for each use.",
			"Dywedwch wrth bobl pwy ydych chi, o ble daeth eu manylion, beth rydych yn ei wneud â nhw a sut i wrthwynebu, pan fyddwch yn casglu eu manylion neu o fewn mis i'w cael o rywle arall, a chofnodwch y sail gyfreithlon ar gyfer pob defnydd."}},
	{key: "online", provisions: []string{"PECR-6", "UKGDPR-26"}, guidance: []string{"G3"}, weight: 1, ref: "guidance.accountability",
		what: tr{"%d of your %d complaints were about online tracking, or adverts targeted at people on social media.",
			"Roedd %d o'ch %d cwyn yn ymwneud ag olrhain ar-lein, neu hysbysebion a dargedwyd at bobl ar gyfryngau cymdeithasol."},
		do: tr{"Use cookies and tracking pixels only with consent, and agree in writing with each platform and supplier you target adverts through who is responsible for what.",
			"Defnyddiwch gwcis a phicseli olrhain dim ond gyda chaniatâd, a chytunwch yn ysgrifenedig â phob platfform a chyflenwr rydych yn targedu hysbysebion drwyddynt pwy sy'n gyfrifol am beth."}},
}

// closingRequest is the last request of every report, tied to its total.
var closingRequest = tr{
	"Look into all %d complaints this report covers, including any we have not yet assessed, and tell us what you found and what you have changed as a result.",
	"Ymchwiliwch i bob un o'r %d cwyn y mae'r adroddiad hwn yn eu cynnwys, gan gynnwys unrhyw rai nad ydym wedi'u hasesu eto, a dywedwch wrthym beth a ganfuwyd gennych a beth rydych wedi'i newid o ganlyniad.",
}

// fewerRequests is said when fewer than MinRequests requests are made.
var fewerRequests = tr{
	"These complaints raised fewer separate matters than most, so we make only %d requests.",
	"Cododd y cwynion hyn lai o faterion ar wahân na'r rhan fwyaf, felly dim ond %d cais a wnawn.",
}

// words of the report, in both languages.
var (
	wTitle          = tr{"Complaints about %s: %s", "Cwynion am %s: %s"}
	wIssuer         = tr{"Data Protection Regulator: Political Campaigning Oversight", "Rheoleiddiwr Diogelu Data: Goruchwylio Ymgyrchu Gwleidyddol"}
	wPeriod         = tr{"Complaints received from %s to %s (polling day %s). Produced %s.", "Cwynion a ddaeth i law rhwng %s a %s (diwrnod pleidleisio %s). Lluniwyd %s."}
	wNoPersonal     = tr{"This report contains no complainant's name or contact details. Example messages have phone numbers, email addresses, dates of birth, addresses, postcodes and names removed.", "Nid yw'r adroddiad hwn yn cynnwys enw na manylion cyswllt unrhyw achwynydd. Mae rhifau ffôn, cyfeiriadau e-bost, dyddiadau geni, cyfeiriadau, codau post ac enwau wedi'u tynnu o'r negeseuon enghreifftiol."}
	wSummary        = tr{"Summary", "Crynodeb"}
	wTotal          = tr{"We received %d complaints about %s.", "Cawsom %d cwyn am %s."}
	wRepeats        = tr{"%d of them were sent again by someone who had already complained about the same contact; each is counted, as it shows the contact continued or the concern remained.", "Anfonwyd %d ohonynt eto gan rywun a oedd eisoes wedi cwyno am yr un cyswllt; rydym yn cyfrif pob un, gan ei fod yn dangos bod y cyswllt wedi parhau neu fod y pryder yn parhau."}
	wUntriaged      = tr{"We have not yet assessed %d of them. They are counted in the totals and by channel, but not in the figures on the law and our guidance.", "Nid ydym wedi asesu %d ohonynt eto. Maen nhw wedi'u cyfrif yn y cyfansymiau a fesul sianel, ond nid yn y ffigurau ar y gyfraith a'n canllawiau."}
	wOutOfScope     = tr{"A further %d complaints naming %s were about matters other bodies deal with rather than about how the party uses personal data, so this report does not count them.", "Roedd %d cwyn arall a oedd yn enwi %s yn ymwneud â materion y mae cyrff eraill yn ymdrin â nhw yn hytrach na sut mae'r blaid yn defnyddio data personol, felly nid yw'r adroddiad hwn yn eu cyfrif."}
	wOutOfScope1    = tr{"A further complaint naming %s was about matters other bodies deal with rather than about how the party uses personal data, so this report does not count it.", "Roedd un gŵyn arall a oedd yn enwi %s yn ymwneud â materion y mae cyrff eraill yn ymdrin â nhw yn hytrach na sut mae'r blaid yn defnyddio data personol, felly nid yw'r adroddiad hwn yn ei chyfrif."}
	wByChannel      = tr{"Complaints by channel", "Cwynion fesul sianel"}
	wChannelNote    = tr{ChannelCountNote, "Mae cwyn sy'n sôn am sawl sianel yn cael ei chyfrif unwaith ar gyfer pob un, felly gall ffigurau'r sianeli adio i fwy na nifer y cwynion."}
	wChannel        = tr{"Channel", "Sianel"}
	wComplaints     = tr{"Complaints", "Cwynion"}
	wByWeek         = tr{"Complaints by week", "Cwynion fesul wythnos"}
	wWeek           = tr{"Week", "Wythnos"}
	wWeekOf         = tr{"Week of %s", "Wythnos %s"}
	wLaw            = tr{"The law these complaints concern", "Y gyfraith y mae'r cwynion hyn yn ymwneud â hi"}
	wLawNote        = tr{"Our assessment of each complaint notes which provisions it concerns; one complaint can concern several.", "Mae ein hasesiad o bob cwyn yn nodi pa ddarpariaethau y mae'n ymwneud â nhw; gall un gwyn ymwneud â sawl un."}
	wProvision      = tr{"Provision", "Darpariaeth"}
	wAbout          = tr{"What it is about", "Beth yw ei destun"}
	wGuidance       = tr{"What our guidance asks", "Beth mae ein canllawiau'n ei ofyn"}
	wGuidanceCol    = tr{"Our guidance asks", "Mae ein canllawiau'n gofyn"}
	wSeeRef         = tr{"See %s.", "Gweler %s."}
	wApart          = tr{"What sets these complaints apart", "Beth sy'n gwneud y cwynion hyn yn wahanol"}
	wApartNone      = tr{"No provision stands out: the share of your complaints concerning each provision is close to the share across all parties.", "Nid oes unrhyw ddarpariaeth yn sefyll allan: mae cyfran eich cwynion sy'n ymwneud â phob darpariaeth yn agos at y gyfran ar draws yr holl bleidiau."}
	wApartHow       = tr{"We show a provision here when at least %d of your assessed complaints concerned it and your share is at least %s times the share across all parties' assessed complaints in this election, and at least %d percentage points higher.", "Rydym yn dangos darpariaeth yma pan oedd o leiaf %d o'ch cwynion a aseswyd yn ymwneud â hi a bod eich cyfran o leiaf %s gwaith y gyfran ar draws cwynion a aseswyd yr holl bleidiau yn yr etholiad hwn, ac o leiaf %d pwynt canran yn uwch."}
	wApartLine      = tr{"%d of your %d assessed complaints (%d%%) concerned %s (%s), against %d%% across all parties.", "Roedd %d o'ch %d cwyn a aseswyd (%d%%) yn ymwneud %s (%s), o'i gymharu â %d%% ar draws yr holl bleidiau."}
	wSenders        = tr{"Senders named most often", "Yr anfonwyr a enwyd amlaf"}
	wSender         = tr{"Sender", "Anfonwr"}
	wNoSenders      = tr{"No sender was named in more than one complaint.", "Ni enwyd unrhyw anfonwr mewn mwy nag un gŵyn."}
	wExamples       = tr{"Example messages", "Negeseuon enghreifftiol"}
	wExampleHead    = tr{"%s, received %s", "%s, a ddaeth i law %s"}
	wRequests       = tr{"What we ask you to do", "Beth rydym yn gofyn i chi ei wneud"}
	wReplyBy        = tr{"Please reply by %s.", "Atebwch erbyn %s os gwelwch yn dda."}
	wRequestLaw     = tr{"The law on this is %s; %s explains how to comply.", "Daw hyn %s; mae %s yn esbonio sut i gydymffurfio."}
	wRequestLaw0    = tr{"%s explains how to comply.", "Mae %s yn esbonio sut i gydymffurfio."}
	wLawOnThis      = tr{"The law on this is %s.", "Daw hyn %s."}
	wHowToComply    = tr{"How to comply:", "Sut i gydymffurfio:"}
	wNone           = tr{"None.", "Dim."}
	wNoneYet        = tr{"None yet: we have not assessed any of these complaints.", "Dim eto: nid ydym wedi asesu unrhyw un o'r cwynion hyn."}
	wMainChannels   = tr{"Most came by %s.", "Daeth y rhan fwyaf drwy %s."}
	wMostOften      = tr{"The matters raised most often were %s.", "Y materion a godwyd amlaf oedd %s."}
	wInN            = tr{"%s (%s) in %d", "%s (%s) mewn %d"}
	wAnd            = tr{" and ", " a "}
	wEnglishFollows = tr{"", "Mae'r fersiwn Saesneg yn dilyn y fersiwn Gymraeg."}
)

// joinAnd joins items as a list in running text: "a, b and c"; in Welsh
// "a" becomes "ac" before a vowel and causes the aspirate mutation ("a
// chydreolyddion").
func joinAnd(items []string, lang string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	last := items[len(items)-1]
	and := wAnd.in(lang)
	if lang == "cy" {
		if startsWithVowel(last) {
			and = " ac "
		} else {
			last = aspirate(last)
		}
	}
	return strings.Join(items[:len(items)-1], ", ") + and + last
}

func startsWithVowel(s string) bool {
	r := []rune(strings.ToLower(s))
	return len(r) > 0 && strings.ContainsRune("aeiouwyâêîôûŵŷ", r[0])
}

// aspirate applies the Welsh aspirate mutation to s's first letter (c, p
// and t become ch, ph and th), keeping its case.
func aspirate(s string) string {
	lower := strings.ToLower(s)
	if strings.HasPrefix(lower, "ch") || strings.HasPrefix(lower, "ph") || strings.HasPrefix(lower, "th") {
		return s
	}
	for _, c := range []string{"c", "p", "t"} {
		if strings.HasPrefix(s, c) {
			return c + "h" + s[1:]
		}
		if strings.HasPrefix(s, strings.ToUpper(c)) {
			return strings.ToUpper(c) + "h" + s[1:]
		}
	}
	return s
}

// withA is "with" followed by s in Welsh ("â"), with the aspirate mutation
// the preposition causes ("â chaniatâd", "ag asesiadau"); English has no
// preposition in the sentence that uses it.
func withA(s, lang string) string {
	if lang != "cy" || s == "" {
		return s
	}
	if startsWithVowel(s) {
		return "ag " + s
	}
	return "â " + aspirate(s)
}

// about is what a provision is about in lang, and its citation.
func about(id, lang string) (string, string) {
	p, ok := legal.ProvisionByID(id)
	if !ok {
		return "", legal.MustCite(id, lang)
	}
	return p.About[lang], legal.MustCite(id, lang)
}

// sprintf formats a text in lang.
func (t tr) f(lang string, args ...any) string { return fmt.Sprintf(t.in(lang), args...) }

// fromO is "o" (from) followed by s in Welsh, with the soft mutation the
// preposition causes ("o reoliad 22", "o Erthygl 14"); in English s.
func fromO(s, lang string) string {
	if lang != "cy" {
		return s
	}
	for _, m := range [][2]string{{"rh", "r"}, {"ll", "l"}, {"c", "g"}, {"p", "b"}, {"t", "d"}, {"b", "f"}, {"d", "dd"}, {"m", "f"}} {
		if rest, ok := strings.CutPrefix(s, m[0]); ok {
			return "o " + m[1] + rest
		}
	}
	return "o " + s
}

// citeAll cites provisions in running text, grouping those of one law:
// "Articles 32, 33 and 34 of the UK GDPR and regulation 22 of the
// Privacy and Electronic Communications Regulations 2003".
func citeAll(ids []string, lang string) string {
	plural := map[string]tr{"regulation": {"regulations", "rheoliadau"}, "Article": {"Articles", "Erthyglau"}}
	var laws []string
	byLaw := map[string][]legal.Provision{}
	for _, id := range ids {
		p, ok := legal.ProvisionByID(id)
		if !ok {
			continue
		}
		if _, seen := byLaw[p.Law]; !seen {
			laws = append(laws, p.Law)
		}
		byLaw[p.Law] = append(byLaw[p.Law], p)
	}
	var parts []string
	for _, l := range laws {
		ps := byLaw[l]
		if len(ps) == 1 {
			parts = append(parts, legal.MustCite(ps[0].ID, lang))
			continue
		}
		law, _ := legal.LawByID(l)
		slices.SortStableFunc(ps, func(a, b legal.Provision) int { return a.Rank() - b.Rank() })
		var nums []string
		for _, p := range ps {
			nums = append(nums, p.NumberIn(lang))
		}
		of := " of "
		if lang == "cy" {
			of = " o "
		}
		parts = append(parts, plural[ps[0].Unit["en"]].in(lang)+" "+joinAnd(nums, lang)+of+law.Short[lang])
	}
	return joinAnd(parts, lang)
}
