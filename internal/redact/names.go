package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Other people's names cannot be listed, but the public's wording shows
// where one follows: a relation ("my neighbour John Smith", "fy ngŵr
// Dafydd"), a title ("Mrs Jones", "Cllr Price"), "called"/"named" (two
// capitalised words, as one could be anything), "my name is", a greeting
// in a quoted message ("Hi Sarah,") and "this is Tom from ...". What
// follows the cue counts as a name only while its words are capitalised
// and none of them is a party, place, day or ordinary word (notNames).

// Cue phrases, lower case, as the words before a name. Relations may
// stand alone or after a determiner and a modifier ("our next-door
// neighbour"); oneCues need one name word after them, twoCues two, as one
// capitalised word after "called" could be anything.
var (
	relations = strings.Fields(`neighbour neighbor neighbours neighbors husband wife partner spouse son daughter
stepson step-son stepdaughter step-daughter child mum mother mom dad father brother sister sibling friend
colleague boss manager employer landlord landlady tenant lodger carer grandson granddaughter grandmother
grandfather grandma grandad granddad grandpa nan nana nanna gran granny uncle aunt auntie aunty cousin niece
nephew fiancé fiancée fiance fiancee boyfriend girlfriend flatmate housemate mother-in-law father-in-law
sister-in-law brother-in-law son-in-law daughter-in-law`)
	determiners = strings.Fields(`my our his her their a the`)
	modifiers   = []string{"next-door", "next door", "elderly", "late", "ex", "ex-", "former", "old", "best", "disabled", "vulnerable"}
	welshCues   = strings.Fields(`nghymydog nghymdoges cymydog cymdoges ngŵr ngwr ngwraig mhartner mab merch mam nhad tad mrawd
chwaer ffrind nghefnder nghyfnither nain nhaid taid mam-gu tad-cu modryb ewythr wncwl mos lletywr nghydweithiwr`)
	titles    = strings.Fields(`mr mrs ms miss mx dr prof professor sir dame lady lord rev revd reverend cllr councillor cynghorydd`)
	greetings = []string{"hi", "hello", "hiya", "hey", "dear", "helo", "annwyl", "shwmae", "s'mae", "bore da", "noswaith dda", "prynhawn da"}
	others    = []string{"my name is", "his name is", "her name is", "their name is", "his name was", "her name was",
		"fy enw i yw", "fy enw yw", "o'r enw", "enw oedd", "i'm called", "im called"}

	oneCues = func() map[string]bool {
		m := map[string]bool{}
		for _, r := range relations {
			m[r] = true
			for _, d := range determiners {
				m[d+" "+r] = true
				for _, mod := range modifiers {
					m[d+" "+mod+" "+r] = true
					m[d+" "+strings.TrimSuffix(mod, "-")+"-"+r] = true
				}
			}
		}
		for _, w := range welshCues {
			for _, d := range []string{"fy", "ein", "ei", "eu"} {
				m[d+" "+w] = true
			}
		}
		for _, l := range [][]string{titles, greetings, others} {
			for _, w := range l {
				m[w] = true
			}
		}
		return m
	}()
	twoCues = func() map[string]bool {
		m := map[string]bool{}
		for _, w := range []string{"called", "named", "calling himself", "calling herself", "calling themselves",
			"signed", "signed by", "signed off", "signed off as", "signed as", "this is", "dyma"} {
			m[w] = true
		}
		return m
	}()
)

// notNames are capitalised words that follow those cues without being a
// person's name: parties and their words, places, days and months, and the
// ordinary words of greetings ("Dear Voter", "Hi there").
var notNames = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
party parties labour llafur conservative conservatives ceidwadwyr ceidwadol tory tories liberal lib dem dems
democrat democrats democratic democratiaid rhyddfrydol reform uk green greens gwyrdd gwyrddion plaid cymru
snp scottish national alliance sinn féin fein unionist ulster dup sdlp uup tuv independent independents
alba workers britain british heritage yorkshire socialist communist christian monster raving loony
council cyngor ltd limited campaign campaigns team office headquarters hq party's
voter voters resident residents householder householders occupier friend friends neighbour neighbours
sir madam all everyone everybody there team constituent constituents member members supporter supporters
election elections general local mp mps ms mayor candidate candidates government minister senedd parliament
english welsh wales england scotland ireland northern cymraeg saesneg london cardiff caerdydd
monday tuesday wednesday thursday friday saturday sunday
dydd llun mawrth mercher iau gwener sadwrn sul
january february march april may june july august september october november december
ionawr chwefror ebrill mai mehefin gorffennaf awst medi hydref tachwedd rhagfyr
yes no ok okay thanks thank please sorry urgent important reminder vote
bbc itv nhs dvla hmrc ico tesco google facebook whatsapp instagram tiktok twitter youtube royal mail
i i'm i've i'd you he she they we it this that these those and or but
`) {
		m[w] = true
	}
	for _, w := range titles {
		m[w] = true
	}
	return m
}()

var isTitle = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range titles {
		m[w] = true
	}
	return m
}()

// thirdPartyNames replaces the names that follow a cue with Name. It
// visits each capitalised word and looks up the words before it, which is
// far quicker than a pattern with every cue in it.
func thirdPartyNames(text string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsUpper(r) || (i > 0 && isNameRune(lastRune(text[:i]))) {
			i += size
			continue
		}
		words, end := nameWordsAt(text, i)
		need := 0
		before := previousWords(text[last:i], 4)
		for k := len(before); k >= 1 && need == 0; k-- {
			cue := strings.Join(before[len(before)-k:], " ")
			switch {
			case oneCues[cue]:
				need = 1
			case twoCues[cue]:
				need = 2
			}
		}
		if need == 0 || len(words) < need {
			i += size
			continue
		}
		b.WriteString(text[last:i])
		b.WriteString(Name)
		last, i = end, end
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// nameWordsAt reads up to three capitalised words or initials from i,
// separated by single spaces, stopping at any of notNames. It returns them
// and where the last ends.
func nameWordsAt(text string, i int) ([]string, int) {
	var words []string
	end := i
	for j := i; len(words) < 3; {
		k := j
		for k < len(text) {
			r, size := utf8.DecodeRuneInString(text[k:])
			if !isNameRune(r) {
				break
			}
			k += size
		}
		w := text[j:k]
		first, _ := utf8.DecodeRuneInString(w)
		initial := utf8.RuneCountInString(w) == 1 && k < len(text) && text[k] == '.'
		if w == "" || !unicode.IsUpper(first) || (utf8.RuneCountInString(w) < 2 && !initial) || notNames[strings.ToLower(strings.Trim(w, "'’-"))] {
			break
		}
		if initial {
			k++
		}
		words, end = append(words, w), k
		if k+1 >= len(text) || (text[k] != ' ' && text[k] != '\t') {
			break
		}
		j = k + 1
	}
	return words, end
}

// previousWords returns up to n words at the end of s, lower case, with
// the commas and full stops around them removed ("Dr." is "dr").
func previousWords(s string, n int) []string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[len(f)-n:]
	}
	out := make([]string, 0, len(f))
	for _, w := range f {
		w = strings.ToLower(strings.Trim(w, ",.:;\"“”("))
		if w == "" {
			out = out[:0]
			continue
		}
		out = append(out, w)
	}
	// A cue ends at the word just before the name, with nothing between
	// them but spaces and a comma: "my neighbour. John said" is two
	// sentences. A title's own full stop ("Dr.") is no sentence end.
	t := strings.TrimRight(s, " \t,")
	if t == "" {
		return out
	}
	switch t[len(t)-1] {
	case '.':
		if len(out) == 0 || !isTitle[out[len(out)-1]] {
			return nil
		}
	case '!', '?', ';', ':', '"':
		return nil
	}
	return out
}

func isNameRune(r rune) bool {
	return unicode.IsLetter(r) || r == '\'' || r == '’' || r == '-'
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}
