// Package auditdemo loads the demo audit programme: the 2019 round of
// compulsory audits of seven parties, closed after follow-up reviews. It
// is apart from package demo so that the tests that read demo's party
// registry need not build the audit service.
package auditdemo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// The demo's audit programme: the 2019 round of compulsory audits of the
// seven parties the 2020 summary report covered, closed after follow-up
// reviews in 2020 and 2021, with 100 recommendations graded in the
// report's shares (31 urgent, 39 high, 27 medium, 3 low). All wording is
// our own.

// ProgrammeName is the demo programme's name; Load recognises the
// programme by it and adds it only once.
const ProgrammeName = "2019 audits of political parties"

// ProgrammeShares are the demo recommendations at each priority, the
// shares of seed 002 out of 100.
var ProgrammeShares = map[string]int{"urgent": 31, "high": 39, "medium": 27, "low": 3}

// AuditedParties are the demo parties audited in 2019, by name, in the
// order their audits are created.
var AuditedParties = []string{
	"Conservative and Unionist Party", "Labour Party", "Liberal Democrats", "Scottish National Party",
	"Democratic Unionist Party", "Plaid Cymru – The Party of Wales", "UK Independence Party",
}

// text is one piece of wording in English and Welsh.
type text struct{ en, cy string }

// recText is one kind of recommendation the audits made: its area, what
// was found, what the party must do, and the law and guidance it rests
// on.
type recText struct {
	area             string
	finding, action  text
	provisions, gdnc []string
	progress         string
}

// recTexts are three kinds of recommendation in each area, in Areas
// order; the parties' audits found the same themes, as the summary report
// says.
var recTexts = [][]recText{
	{ // privacy_information
		{"privacy_information",
			text{"The privacy notice does not say that the party combines the electoral register with data bought from commercial suppliers to estimate how people are likely to vote.",
				"Nid yw'r hysbysiad preifatrwydd yn dweud bod y blaid yn cyfuno'r gofrestr etholiadol â data a brynwyd gan gyflenwyr masnachol i amcangyfrif sut mae pobl yn debygol o bleidleisio."},
			text{"Rewrite the privacy notice so that it explains, in plain words, every source of personal data the party uses and what it infers from them.",
				"Ailysgrifennwch yr hysbysiad preifatrwydd fel ei fod yn esbonio, mewn geiriau syml, bob ffynhonnell o ddata personol y mae'r blaid yn ei defnyddio a'r hyn y mae'n ei gasglu ohonynt."},
			[]string{"UKGDPR-13", "UKGDPR-14"}, []string{"G2"},
			"The party sent its rewritten privacy notice, approved by its data protection committee, with the list of data sources it now names."},
		{"privacy_information",
			text{"People whose details come from third parties are not told within a month, and no assessment records why telling them would take disproportionate effort.",
				"Nid yw pobl y daw eu manylion gan drydydd partïon yn cael gwybod cyn pen mis, ac nid oes asesiad sy'n cofnodi pam y byddai rhoi gwybod iddynt yn gofyn am ymdrech anghymesur."},
			text{"Give privacy information to people whose data comes from others within one month, or record an assessment before relying on the disproportionate effort exemption.",
				"Rhowch wybodaeth preifatrwydd i bobl y daw eu data gan eraill cyn pen mis, neu cofnodwch asesiad cyn dibynnu ar yr eithriad ymdrech anghymesur."},
			[]string{"UKGDPR-14", "UKGDPR-5-1-a"}, []string{"G2"},
			"The party sent the assessment it now records before using data from others, and the letter it sends to the people concerned."},
		{"privacy_information",
			text{"Sign-up forms on the party's website and at events link to an out-of-date privacy notice.",
				"Mae ffurflenni cofrestru ar wefan y blaid ac mewn digwyddiadau yn cysylltu â hysbysiad preifatrwydd sydd wedi dyddio."},
			text{"Keep one current privacy notice, link every collection form to it, and check the links each time the notice changes.",
				"Cadwch un hysbysiad preifatrwydd cyfredol, cysylltwch bob ffurflen gasglu ag ef, a gwiriwch y dolenni bob tro y bydd yr hysbysiad yn newid."},
			[]string{"UKGDPR-13"}, []string{"G2"},
			"The party sent screenshots of its sign-up forms and the checklist its web team follows when the notice changes."},
	},
	{ // lawful_basis
		{"lawful_basis",
			text{"The party relies on public task (democratic engagement) for data that does not come from the electoral register, without a law that sets out that task.",
				"Mae'r blaid yn dibynnu ar dasg gyhoeddus (ymgysylltu democrataidd) ar gyfer data nad yw'n dod o'r gofrestr etholiadol, heb gyfraith sy'n nodi'r dasg honno."},
			text{"Review the lawful basis of each processing activity, and move processing of data from outside the electoral register to a basis that fits it, or stop it.",
				"Adolygwch sail gyfreithlon pob gweithgaredd prosesu, a symudwch brosesu data o'r tu allan i'r gofrestr etholiadol i sail sy'n addas iddo, neu rhowch y gorau iddo."},
			[]string{"UKGDPR-6"}, []string{"G3"},
			"The party sent its review of lawful bases, activity by activity, and the minutes of the meeting that agreed it."},
		{"lawful_basis",
			text{"Ethnicity estimated from people's names is held without an identified condition for special category data.",
				"Mae ethnigrwydd a amcangyfrifwyd o enwau pobl yn cael ei gadw heb amod wedi'i nodi ar gyfer data categori arbennig."},
			text{"Identify and document a condition for each use of special category data, and delete estimated ethnicity where there is none.",
				"Nodwch a chofnodwch amod ar gyfer pob defnydd o ddata categori arbennig, a dilëwch ethnigrwydd a amcangyfrifwyd lle nad oes un."},
			[]string{"UKGDPR-9"}, []string{"G5"},
			"The party confirmed that the estimated ethnicity field has been deleted from its voter database and sent the deletion log."},
		{"lawful_basis",
			text{"Consent statements on campaign sign-up pages are bundled with the terms of membership and pre-ticked.",
				"Mae datganiadau caniatâd ar dudalennau cofrestru'r ymgyrch wedi'u cyfuno â thelerau aelodaeth ac wedi'u ticio ymlaen llaw."},
			text{"Replace the consent statements with separate, unticked options for each kind of message, and keep a record of each consent given.",
				"Rhowch ddewisiadau ar wahân, heb eu ticio, ar gyfer pob math o neges yn lle'r datganiadau caniatâd, a chadwch gofnod o bob caniatâd a roddir."},
			[]string{"PECR-22", "UKGDPR-6"}, []string{"G4"},
			"The party sent its new sign-up pages and an extract of its consent records, with personal details removed."},
	},
	{ // profiling
		{"profiling",
			text{"Voters are scored for likely support by a model whose inputs and effects have not been assessed.",
				"Mae pleidleiswyr yn cael sgôr am gefnogaeth debygol gan fodel nad yw ei fewnbynnau na'i effeithiau wedi'u hasesu."},
			text{"Carry out a data protection impact assessment of the voter scoring model before its next use, and act on what it finds.",
				"Cynhaliwch asesiad effaith ar ddiogelu data o'r model sgorio pleidleiswyr cyn ei ddefnyddio eto, a gweithredwch ar yr hyn a ganfyddir."},
			[]string{"UKGDPR-35", "UKGDPR-22"}, []string{"G3"},
			"The party sent the impact assessment of its scoring model and the changes it made to the model's inputs as a result."},
		{"profiling",
			text{"The party's first message to a voter does not mention the right to object to profiling for direct marketing.",
				"Nid yw neges gyntaf y blaid at bleidleisiwr yn sôn am yr hawl i wrthwynebu proffilio ar gyfer marchnata uniongyrchol."},
			text{"Tell people, in the first message and apart from other information, that they can object to profiling for direct marketing, and act on objections promptly.",
				"Dywedwch wrth bobl, yn y neges gyntaf ac ar wahân i wybodaeth arall, y gallant wrthwynebu proffilio ar gyfer marchnata uniongyrchol, a gweithredwch ar wrthwynebiadau yn brydlon."},
			[]string{"UKGDPR-21"}, []string{"G2"},
			"The party sent the new wording of its first message and its procedure for handling objections."},
		{"profiling",
			text{"No checks were made that data bought from list suppliers was collected lawfully and with valid consent.",
				"Ni wnaed unrhyw wiriadau bod data a brynwyd gan gyflenwyr rhestrau wedi'i gasglu'n gyfreithlon a gyda chaniatâd dilys."},
			text{"Before buying any list, check and record how the supplier collected the data and what people were told, and stop using lists that fail the checks.",
				"Cyn prynu unrhyw restr, gwiriwch a chofnodwch sut y casglodd y cyflenwr y data a beth a ddywedwyd wrth bobl, a pheidiwch â defnyddio rhestrau sy'n methu'r gwiriadau."},
			[]string{"UKGDPR-14", "UKGDPR-6"}, []string{"G3"},
			"The party sent its supplier checklist and the completed checks for the two lists it still uses."},
	},
	{ // social_media_targeting
		{"social_media_targeting",
			text{"Supporters' email addresses are uploaded to social media platforms to match and target them, and the privacy notice does not say so.",
				"Mae cyfeiriadau e-bost cefnogwyr yn cael eu llwytho i lwyfannau cyfryngau cymdeithasol i'w paru a'u targedu, ac nid yw'r hysbysiad preifatrwydd yn dweud hynny."},
			text{"Tell people, before doing it, that their contact details may be matched on social media platforms to show them political adverts.",
				"Dywedwch wrth bobl, cyn gwneud hynny, y gallai eu manylion cyswllt gael eu paru ar lwyfannau cyfryngau cymdeithasol i ddangos hysbysebion gwleidyddol iddynt."},
			[]string{"UKGDPR-13", "UKGDPR-26"}, []string{"G2"},
			"The party sent the new section of its privacy notice on social media matching and the date it went live."},
		{"social_media_targeting",
			text{"The party has not worked out with each platform who is responsible for what when it uses the platform's targeting tools.",
				"Nid yw'r blaid wedi penderfynu gyda phob llwyfan pwy sy'n gyfrifol am beth pan fydd yn defnyddio offer targedu'r llwyfan."},
			text{"Agree in writing with each platform where the party and the platform are joint controllers, and who meets which obligation.",
				"Cytunwch yn ysgrifenedig â phob llwyfan ble mae'r blaid a'r llwyfan yn rheolwyr ar y cyd, a phwy sy'n bodloni pa rwymedigaeth."},
			[]string{"UKGDPR-26"}, []string{"G3"},
			"The party sent the joint controller terms it has accepted with two platforms and its notes on a third still under discussion."},
		{"social_media_targeting",
			text{"Lookalike audiences are built from supporter lists without checking what the platform does with the uploaded data.",
				"Mae cynulleidfaoedd tebyg yn cael eu creu o restrau cefnogwyr heb wirio beth mae'r llwyfan yn ei wneud â'r data a lwythwyd."},
			text{"Before each campaign, check and record that the platform's privacy information and processing are lawful, and monitor the agreement while it runs.",
				"Cyn pob ymgyrch, gwiriwch a chofnodwch fod gwybodaeth preifatrwydd a phrosesu'r llwyfan yn gyfreithlon, a monitrwch y cytundeb tra bydd yn rhedeg."},
			[]string{"UKGDPR-26", "PECR-6"}, []string{"G3"},
			"The party sent its pre-campaign platform checklist, completed for its last campaign."},
	},
	{ // accountability
		{"accountability",
			text{"Data protection policies were drafted recently, but staff and volunteers have not been asked to read and confirm them.",
				"Lluniwyd polisïau diogelu data yn ddiweddar, ond ni ofynnwyd i staff a gwirfoddolwyr eu darllen a'u cadarnhau."},
			text{"Put in place a set of data protection policies, have every member of staff and volunteer confirm they have read them, and review them each year.",
				"Sefydlwch set o bolisïau diogelu data, gofynnwch i bob aelod o staff a gwirfoddolwr gadarnhau eu bod wedi'u darllen, a'u hadolygu bob blwyddyn."},
			[]string{"UKGDPR-5-1-f", "UKGDPR-32"}, []string{"G3"},
			"The party sent its policy framework and the share of staff and volunteers who have confirmed reading it."},
		{"accountability",
			text{"There is no data protection training at induction, and no analysis of what training key roles need.",
				"Nid oes hyfforddiant diogelu data wrth ymuno, a dim dadansoddiad o'r hyfforddiant sydd ei angen ar rolau allweddol."},
			text{"Give every new member of staff and volunteer data protection training before they handle personal data, with further training for key roles.",
				"Rhowch hyfforddiant diogelu data i bob aelod newydd o staff a gwirfoddolwr cyn iddynt drin data personol, gyda hyfforddiant pellach ar gyfer rolau allweddol."},
			[]string{"UKGDPR-32"}, []string{"G3", "BCC"},
			"The party sent its induction course, its training needs analysis and the completion records for the last quarter."},
		{"accountability",
			text{"The record of processing activities is incomplete and predates current data protection law.",
				"Mae'r cofnod o weithgareddau prosesu yn anghyflawn ac yn dyddio o gyfnod cyn y gyfraith diogelu data bresennol."},
			text{"Map what personal data the party holds, where, why, who it is shared with and how long it is kept, and keep the record up to date.",
				"Mapiwch pa ddata personol sydd gan y blaid, ble, pam, gyda phwy y caiff ei rannu ac am ba hyd y caiff ei gadw, a chadwch y cofnod yn gyfredol."},
			[]string{"UKGDPR-5-1-f"}, []string{"G3"},
			"The party sent its data map and the updated record of processing activities."},
	},
	{ // other
		{"other",
			text{"Requests from individuals to see their data are logged in several places, and some were answered late.",
				"Mae ceisiadau gan unigolion i weld eu data yn cael eu cofnodi mewn sawl man, ac atebwyd rhai yn hwyr."},
			text{"Keep one log of requests from individuals, with due dates, and check it every week.",
				"Cadwch un cofnod o geisiadau gan unigolion, gyda dyddiadau dyledus, a gwiriwch ef bob wythnos."},
			nil, nil,
			"The party sent an extract of its single request log, with personal details removed."},
		{"other",
			text{"Local branches keep copies of canvassing data on personal devices after campaigns end.",
				"Mae canghennau lleol yn cadw copïau o ddata canfasio ar ddyfeisiau personol ar ôl i ymgyrchoedd ddod i ben."},
			text{"Set how long canvassing data is kept, and have branches delete copies on personal devices when the campaign ends.",
				"Penderfynwch am ba hyd y caiff data canfasio ei gadw, a gofynnwch i ganghennau ddileu copïau ar ddyfeisiau personol pan ddaw'r ymgyrch i ben."},
			[]string{"UKGDPR-32"}, []string{"BCC"},
			"The party sent its retention schedule and the confirmations of deletion returned by its branches."},
		{"other",
			text{"Contracts with data processors lack the terms the law requires, and no one checks that processors follow them.",
				"Nid yw contractau gyda phroseswyr data yn cynnwys y telerau sy'n ofynnol yn ôl y gyfraith, ac nid oes neb yn gwirio bod proseswyr yn eu dilyn."},
			text{"Add the required terms to every processor contract and review each processor's compliance once a year.",
				"Ychwanegwch y telerau gofynnol at bob contract prosesydd ac adolygwch gydymffurfiaeth pob prosesydd unwaith y flwyddyn."},
			[]string{"UKGDPR-32"}, []string{"G3"},
			"The party sent its updated processor contracts and its first annual review of processors."},
	},
}

// keyFindings are the programme's key finding in each area.
var keyFindings = map[string]text{
	"privacy_information": {"Privacy information did not tell people about every source of their data, what the parties inferred from it, or how it was used to target them online.",
		"Nid oedd gwybodaeth preifatrwydd yn dweud wrth bobl am bob ffynhonnell o'u data, beth roedd y pleidiau'n ei gasglu ohono, na sut y'i defnyddiwyd i'w targedu ar-lein."},
	"lawful_basis": {"Lawful bases had not always been chosen to fit the processing, and special category data was sometimes used without an identified condition.",
		"Nid oedd seiliau cyfreithlon bob amser wedi'u dewis i gyd-fynd â'r prosesu, a defnyddiwyd data categori arbennig weithiau heb amod wedi'i nodi."},
	"profiling": {"Voter profiling and bought-in data were used without impact assessments or checks on how suppliers had collected the data.",
		"Defnyddiwyd proffilio pleidleiswyr a data a brynwyd heb asesiadau effaith na gwiriadau ar sut roedd cyflenwyr wedi casglu'r data."},
	"social_media_targeting": {"Parties matched supporters on social media platforms without telling them, and had not agreed with the platforms who was responsible for what.",
		"Roedd pleidiau'n paru cefnogwyr ar lwyfannau cyfryngau cymdeithasol heb ddweud wrthynt, ac nid oeddent wedi cytuno â'r llwyfannau pwy oedd yn gyfrifol am beth."},
	"accountability": {"Policies, training and records of processing were new or incomplete, so the parties could not yet show that they complied.",
		"Roedd polisïau, hyfforddiant a chofnodion prosesu yn newydd neu'n anghyflawn, felly ni allai'r pleidiau ddangos eto eu bod yn cydymffurfio."},
	"other": {"Requests from individuals, retention and processor contracts needed firmer procedures.",
		"Roedd angen gweithdrefnau cadarnach ar gyfer ceisiadau gan unigolion, cadw data a chontractau proseswyr."},
}

// auditPlan is one demo audit's particulars.
type auditPlan struct {
	party                                        string
	notice, fieldFrom, fieldTo, report, followUp string
	assurance, conclusion                        string
	auditors                                     []string
	goodPractice                                 text
}

var auditPlans = []auditPlan{
	{"Conservative and Unionist Party", "2019-02-11", "2019-03-18", "2019-03-22", "2019-10-07", "2020-11-23", "limited", "meaningful_progress",
		[]string{"Priya Shah", "Tom Wren"}, text{"A senior data protection lead sits on the party's board and reports to it every quarter.",
			"Mae uwch arweinydd diogelu data yn aelod o fwrdd y blaid ac yn adrodd iddo bob chwarter."}},
	{"Labour Party", "2019-02-11", "2019-04-01", "2019-04-05", "2019-10-14", "2020-11-30", "limited", "meaningful_progress",
		[]string{"Priya Shah", "Hannah Cole"}, text{"The party keeps a clear register of the data sets it holds and who owns each one.",
			"Mae'r blaid yn cadw cofrestr glir o'r setiau data sydd ganddi a phwy sy'n gyfrifol am bob un."}},
	{"Liberal Democrats", "2019-02-18", "2019-04-29", "2019-05-03", "2019-10-21", "2020-12-07", "limited", "meaningful_progress",
		[]string{"Tom Wren", "Hannah Cole"}, text{"Volunteers receive a short, practical guide to handling canvassing data.",
			"Mae gwirfoddolwyr yn cael canllaw byr ac ymarferol ar drin data canfasio."}},
	{"Scottish National Party", "2019-02-18", "2019-05-13", "2019-05-17", "2019-11-04", "2020-12-14", "reasonable", "all_completed",
		[]string{"Iain Ross", "Priya Shah"}, text{"The party had already carried out impact assessments for its main campaigning systems.",
			"Roedd y blaid eisoes wedi cynnal asesiadau effaith ar gyfer ei phrif systemau ymgyrchu."}},
	{"Democratic Unionist Party", "2019-02-25", "2019-06-03", "2019-06-07", "2019-11-11", "2021-01-18", "limited", "meaningful_progress",
		[]string{"Ruth Kerr", "Tom Wren"}, text{"Requests from individuals are answered well within the time the law allows.",
			"Caiff ceisiadau gan unigolion eu hateb ymhell o fewn yr amser y mae'r gyfraith yn ei ganiatáu."}},
	{"Plaid Cymru – The Party of Wales", "2019-02-25", "2019-06-17", "2019-06-21", "2019-11-18", "2021-01-25", "limited", "meaningful_progress",
		[]string{"Elin Rhys", "Hannah Cole"}, text{"The party gives its privacy information in Welsh and English, side by side, on every form.",
			"Mae'r blaid yn rhoi ei gwybodaeth preifatrwydd yn Gymraeg ac yn Saesneg, ochr yn ochr, ar bob ffurflen."}},
	{"UK Independence Party", "2019-03-04", "2019-07-01", "2019-07-05", "2019-11-25", "2021-02-08", "very_limited", "limited_progress",
		[]string{"Iain Ross", "Ruth Kerr"}, text{"The party has cut down the personal data it keeps on former members.",
			"Mae'r blaid wedi lleihau'r data personol y mae'n ei gadw am gyn-aelodau."}},
}

// auditScope is what every 2019 audit covered.
var auditScope = []string{"management_structures", "policies_procedures", "dpia_governance", "fairness_transparency",
	"data_brokers", "analytics_profiling", "social_media", "individual_rights"}

// statusPatterns are the follow-up statuses given to an audit's
// recommendations, urgent first, by the audit's conclusion.
var statusPatterns = map[string][]string{
	"all_completed":       {"completed", "completed", "completed", "no_longer_applicable"},
	"meaningful_progress": {"completed", "completed", "meaningful_progress", "completed", "some_progress", "meaningful_progress", "no_longer_applicable"},
	"limited_progress":    {"completed", "some_progress", "not_started", "meaningful_progress", "some_progress", "not_started"},
}

// Result says what Load did.
type Result struct {
	// ProgrammeID is the demo programme, created now or before; Created
	// says whether this run added anything, Audits and Recommendations
	// how much.
	ProgrammeID     int64
	Created         bool
	Audits          int
	Recommendations int
}

// Load adds the demo audit programme once: a second run finds the
// programme by name and its seven audits, and changes nothing. The seven audited parties must be
// in the registry (Load puts them there).
func Load(ctx context.Context, svc *audits.Service, registry *parties.Store) (*Result, error) {
	all, err := registry.All(ctx)
	if err != nil {
		return nil, err
	}
	partyIDs := map[string]int64{}
	for _, p := range all {
		partyIDs[p.Name] = p.ID
	}
	for _, name := range AuditedParties {
		if partyIDs[name] == 0 {
			return nil, fmt.Errorf("demo audits: the party %q is not in the registry; load the demo parties first", name)
		}
	}
	existing, err := svc.Programmes(ctx)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	for _, p := range existing {
		if strings.EqualFold(p.Name, ProgrammeName) {
			res.ProgrammeID = p.ID
		}
	}
	if res.ProgrammeID == 0 {
		prog, err := svc.CreateProgramme(ctx, demoProgramme())
		if err != nil {
			return nil, fmt.Errorf("demo programme: %w", err)
		}
		res.ProgrammeID, res.Created = prog.ID, true
	}
	// A run stopped half-way (the database went away) left some audits:
	// the next adds only the parties' audits that are missing.
	done, err := svc.Audits(ctx, audits.AuditFilter{ProgrammeID: res.ProgrammeID})
	if err != nil {
		return nil, err
	}
	audited := map[int64]bool{}
	for _, a := range done {
		audited[a.PartyID] = true
	}
	priorities := demoPriorities()
	for i, ap := range auditPlans {
		if audited[partyIDs[ap.party]] {
			continue
		}
		n, err := loadAudit(ctx, svc, res.ProgrammeID, partyIDs[ap.party], i, ap, priorities[i])
		if err != nil {
			return nil, fmt.Errorf("demo audit of %s: %w", ap.party, err)
		}
		res.Created = true
		res.Audits++
		res.Recommendations += n
	}
	return res, nil
}

// demoProgramme is the programme's particulars and key findings.
func demoProgramme() audits.ProgrammeInput {
	published := day("2020-11-11")
	in := audits.ProgrammeInput{
		Name:   ProgrammeName,
		NameCY: "Archwiliadau 2019 o bleidiau gwleidyddol",
		Description: "Compulsory audits of the seven parties that received assessment notices in early 2019, " +
			"followed by reviews of their action plans and evidence in 2020 and 2021.",
		SummaryTitle:   "Audits of data protection compliance by UK political parties: summary report",
		SummaryTitleCY: "Archwiliadau o gydymffurfiaeth pleidiau gwleidyddol y DU â diogelu data: adroddiad cryno",
		SummaryURL:     "https://regulator.example.org/audits/political-parties-summary-report",
		PublishedOn:    &published,
	}
	for _, a := range audits.Areas {
		f := keyFindings[a.Code]
		in.Findings = append(in.Findings, audits.AreaFinding{Area: a.Code, Finding: f.en, FindingCY: f.cy})
	}
	return in
}

// demoPriorities are each audit's recommendations' priorities, in the
// shares of ProgrammeShares: the sorted list dealt round the audits like
// cards, so every audit gets a mix, urgent first within each audit.
func demoPriorities() [][]string {
	var all []string
	for _, p := range audits.Priorities {
		for range ProgrammeShares[p.Code] {
			all = append(all, p.Code)
		}
	}
	hands := make([][]string, len(auditPlans))
	for i, p := range all {
		hands[i%len(hands)] = append(hands[i%len(hands)], p)
	}
	for i := range hands {
		hands[i] = sortByPriority(hands[i])
	}
	return hands
}

func sortByPriority(ps []string) []string {
	out := make([]string, 0, len(ps))
	for _, p := range audits.Priorities {
		for _, q := range ps {
			if q == p.Code {
				out = append(out, q)
			}
		}
	}
	return out
}

// targetMonths is how long after the report a recommendation at each
// priority was given.
var targetMonths = map[string]int{"urgent": 1, "high": 3, "medium": 6, "low": 9}

// loadAudit creates one audit and takes it through every state to
// closed, as the political team would have: recommendations, responses,
// progress updates, the follow-up review.
func loadAudit(ctx context.Context, svc *audits.Service, programmeID, partyID int64, idx int, ap auditPlan, priorities []string) (int, error) {
	notice, from, to, report := day(ap.notice), day(ap.fieldFrom), day(ap.fieldTo), day(ap.report)
	in := audits.AuditInput{ProgrammeID: &programmeID, PartyID: partyID, Type: "compulsory",
		NoticeOn: &notice, FieldworkFrom: &from, FieldworkTo: &to, ReportOn: &report,
		Scope: auditScope, Auditors: ap.auditors, Assurance: ap.assurance, GoodPractice: ap.goodPractice.en,
		// Most audited parties stand in Wales, so their reports go out in
		// Welsh too; every audit has its Welsh texts, which also lets the
		// programme's summary be published in Welsh.
		GoodPracticeCY: ap.goodPractice.cy}
	a, err := svc.CreateAudit(ctx, in)
	if err != nil {
		return 0, err
	}
	var recs []*audits.Recommendation
	var texts []recText
	for j, pr := range priorities {
		// Areas in turn, and a different wording of each area for each
		// audit, so no audit repeats one recommendation.
		area := j % len(recTexts)
		rt := recTexts[area][(j/len(recTexts)+idx)%len(recTexts[area])]
		texts = append(texts, rt)
		ri := audits.RecommendationInput{Area: rt.area, Finding: rt.finding.en, Action: rt.action.en, Priority: pr,
			FindingCY: rt.finding.cy, ActionCY: rt.action.cy,
			TargetOn: report.AddDate(0, targetMonths[pr], 0), Provisions: rt.provisions, Guidance: rt.gdnc}
		r, err := svc.AddRecommendation(ctx, a.ID, ri)
		if err != nil {
			return 0, err
		}
		recs = append(recs, r)
	}
	for _, to := range []string{"fieldwork", "report_issued"} {
		if a, err = svc.Advance(ctx, a.ID, to, a.Version); err != nil {
			return 0, err
		}
	}
	followUp := day(ap.followUp)
	statuses := map[int64]audits.StatusInput{}
	pattern := statusPatterns[ap.conclusion]
	owners := []string{"Data Protection Officer", "Head of Digital", "Head of Membership", "General Secretary"}
	for j, r := range recs {
		resp := audits.ResponseInput{Answer: "agreed", Action: "The party will " + lowerFirst(r.Action),
			Owner: owners[j%len(owners)], Version: r.Version}
		due := r.TargetOn
		resp.DueOn = &due
		switch {
		case j%9 == 8:
			resp.Answer = "partly_agreed"
			resp.Action = "The party will do this for its national systems; local branches will follow when their systems are replaced."
		case j == len(recs)-1 && ap.conclusion == "limited_progress":
			resp.Answer, resp.Owner, resp.DueOn = "not_agreed", "", nil
			resp.Action = "The party considers its current practice proportionate for a party of its size."
		}
		updated, err := svc.RecordResponse(ctx, r.ID, resp)
		if err != nil {
			return 0, err
		}
		recs[j] = updated
		status := pattern[j%len(pattern)]
		if resp.Answer == "not_agreed" {
			status = "not_started"
		}
		// A progress update for each recommendation the review found
		// moving, noted between the report and the review.
		if status != "not_started" && status != "no_longer_applicable" {
			noted := report.AddDate(0, targetMonths[r.Priority], 7)
			if !noted.Before(followUp) {
				noted = followUp.AddDate(0, 0, -14)
			}
			if _, err := svc.AddProgress(ctx, r.ID, audits.ProgressInput{NotedOn: noted, Note: texts[j].progress}); err != nil {
				return 0, err
			}
		}
		statuses[r.ID] = audits.StatusInput{Status: status, Note: statusNote(status)}
	}
	if a, err = svc.Audit(ctx, a.ID); err != nil {
		return 0, err
	}
	if a, err = svc.RecordReview(ctx, a.ID, audits.ReviewInput{FollowUpOn: followUp, Statuses: statuses, Conclusion: ap.conclusion,
		ConclusionNote: conclusionNote(ap.conclusion), Version: a.Version}); err != nil {
		return 0, err
	}
	if a.State != "follow_up" {
		if a, err = svc.Advance(ctx, a.ID, "follow_up", a.Version); err != nil {
			return 0, err
		}
	}
	if _, err = svc.Advance(ctx, a.ID, "closed", a.Version); err != nil {
		return 0, err
	}
	return len(recs), nil
}

func statusNote(status string) string {
	switch status {
	case "completed":
		return "The evidence shows the action is done and working."
	case "meaningful_progress":
		return "Most of the work is done; the rest is planned with dates."
	case "some_progress":
		return "Work has started, but the higher-risk parts are still to do."
	case "not_started":
		return "No evidence of work on this action was provided."
	}
	return "The processing concerned has stopped."
}

func conclusionNote(c string) string {
	switch c {
	case "all_completed":
		return "Every action was evidenced at the review."
	case "limited_progress":
		return "We asked for a further update within six months."
	}
	return "The urgent actions were completed; the remaining work has owners and dates."
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// day reads a demo date, a London day.
func day(s string) time.Time {
	t, err := vocab.ParseDay(s)
	if err != nil {
		panic(err)
	}
	return t
}
