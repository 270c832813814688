package triage

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text cues are matched over words, not regular expressions: the text is
// split into lower-cased words once, each word is looked up in a vocabulary
// of every form a cue can take, and phrases are matched on word ids. This
// keeps matching linear in the text and free of allocations.
//
// Negation: a cue in a negatable group does not count when a negation word
// ("not", "never", "wasn't", ...) appears among the Window words before it
// (3 in the default rulebook) without a clause boundary in between. Clause
// boundaries are . ! ? ; : , ( ) line breaks and the rulebook's boundary
// words ("but", "however", ...). So "it wasn't a recording" and "not a
// robot" are negated, while "I never agreed to be called" still counts the
// call (the "never" is four words back), as does "no, they called me".
// Phrases may contain negations themselves ("no one was on the line" is an
// automated-call cue): only words before the phrase, or words a "..." gap
// passes over ("they never called me" for "@sender ... called me"), can
// negate it.
//
// A phrase position written "a|b|c" matches any of those words (each with
// its inflections unless written "=word"). A group's exception phrases
// ("I recorded the call" for the recorded-call cue "recorded") cancel any
// of its cues whose first word falls inside a match of the exception, so
// the complainant's own actions and look-alike wordings do not count.

const (
	tokUnknown  int32 = 0
	tokBoundary int32 = -1
)

// Sources of text a token came from.
const (
	srcMessage     uint8 = 1
	srcDescription uint8 = 2
)

type token struct {
	id         int32
	src        uint8
	start, end int32 // byte offsets in the source text
	num        int32 // the value of a word of digits, else -1
}

// element is one position of a phrase: a set of word ids, or a gap.
type element struct {
	gap bool
	ids []int32
}

type phrase struct {
	elems  []element
	group  int
	strong bool
	// firm cues hold even when their channel is suppressed ("an actual
	// person rang back" after a recorded call).
	firm bool
	text string
	// need are the word ids of the phrase's most selective later element:
	// unless one of them occurs in the text, the phrase cannot match.
	need []int32
}

// span is a match of an exception phrase: cues of group starting at a
// token in [from, to) do not count.
type span struct {
	from, to int32
	group    int
}

type cueGroupInfo struct {
	id        string
	channel   int // index in Channels, or -1 for rule cue groups
	negatable bool
	sources   uint8
	hasFirm   bool // the group has firm cues
}

// matcher holds the compiled vocabulary and phrases.
type matcher struct {
	ids      map[string]int32
	negation []bool // by word id
	boundary []bool
	byFirst  [][]int32 // word id -> phrases starting with it
	phrases  []phrase
	// Exception phrases, indexed like byFirst/phrases.
	exFirst   [][]int32
	exphrases []phrase
	groups    []cueGroupInfo
	// sets are the rulebook's named word sets ("@name" in a phrase).
	sets   map[string][]string
	window int
	gap    int
}

func newMatcher(window, gap int) *matcher {
	return &matcher{ids: map[string]int32{}, negation: []bool{false}, boundary: []bool{false}, byFirst: [][]int32{nil}, exFirst: [][]int32{nil}, window: window, gap: gap, sets: map[string][]string{}}
}

func (m *matcher) word(w string) int32 {
	if id, ok := m.ids[w]; ok {
		return id
	}
	id := int32(len(m.negation))
	m.ids[w] = id
	m.negation = append(m.negation, false)
	m.boundary = append(m.boundary, false)
	m.byFirst = append(m.byFirst, nil)
	m.exFirst = append(m.exFirst, nil)
	return id
}

func (m *matcher) addGroup(g cueGroupInfo) int {
	m.groups = append(m.groups, g)
	return len(m.groups) - 1
}

// addPhrase compiles a cue phrase (already checked by checkPhrase).
func (m *matcher) addPhrase(group int, text string, strong bool) {
	ph := m.compilePhrase(group, text, strong)
	idx := int32(len(m.phrases))
	m.phrases = append(m.phrases, ph)
	for _, id := range ph.elems[0].ids {
		m.byFirst[id] = append(m.byFirst[id], idx)
	}
}

// addException compiles an exception phrase of group (checked by
// checkPhrase).
func (m *matcher) addException(group int, text string) {
	ph := m.compilePhrase(group, text, false)
	idx := int32(len(m.exphrases))
	m.exphrases = append(m.exphrases, ph)
	for _, id := range ph.elems[0].ids {
		m.exFirst[id] = append(m.exFirst[id], idx)
	}
}

func (m *matcher) compilePhrase(group int, text string, strong bool) phrase {
	ph := phrase{group: group, strong: strong, text: text}
	for _, part := range strings.Fields(text) {
		if part == "..." {
			ph.elems = append(ph.elems, element{gap: true})
			continue
		}
		if strings.Contains(part, "|") || strings.HasPrefix(part, "@") {
			// Alternatives and word sets are single words (checkPhrase
			// makes sure).
			var el element
			for _, alt := range strings.Split(part, "|") {
				for _, f := range m.forms(alt) {
					el.ids = appendUnique(el.ids, m.word(f))
				}
			}
			ph.elems = append(ph.elems, el)
			continue
		}
		mark := part[:0]
		if strings.HasPrefix(part, "=") || strings.HasPrefix(part, "~") {
			mark, part = part[:1], part[1:]
		}
		for i, w := range splitWords(part) {
			// A mutation changes only the first letter of the first word.
			mk := mark
			if i > 0 && mk == "~" {
				mk = "="
			}
			var el element
			for _, f := range m.forms(mk + w) {
				el.ids = appendUnique(el.ids, m.word(f))
			}
			ph.elems = append(ph.elems, el)
		}
	}
	for _, el := range ph.elems[1:] {
		if !el.gap && (ph.need == nil || len(el.ids) < len(ph.need)) {
			ph.need = el.ids
		}
	}
	return ph
}

// forms returns every word form one phrase word stands for: "=word" only
// itself, "~word" itself and its Welsh mutations, "@set" every form of the
// rulebook's word set, and a plain word its English inflections.
func (m *matcher) forms(alt string) []string {
	switch {
	case strings.HasPrefix(alt, "@"):
		var out []string
		for _, w := range m.sets[alt[1:]] {
			out = append(out, m.forms(w)...)
		}
		return out
	case strings.HasPrefix(alt, "="):
		return splitWords(alt[1:])[:1]
	case strings.HasPrefix(alt, "~"):
		return mutations(splitWords(alt[1:])[0])
	}
	return inflections(splitWords(alt)[0])
}

// mutations returns a Welsh word with its initial mutations: soft (t→d,
// c→g, p→b, b→f, d→dd, g dropped, m→f, ll→l, rh→r), nasal (t→nh, c→ngh,
// p→mh, b→m, d→n, g→ng) and aspirate (t→th, c→ch, p→ph, and h before a
// vowel). "neges" gives "neges"; "testun" gives "destun", "nhestun",
// "thestun"; "galwad" gives "alwad", "ngalwad". Forms that are not words
// do no harm: they never occur in text.
func mutations(w string) []string {
	out := []string{w}
	add := func(rest string, to ...string) {
		for _, t := range to {
			out = append(out, t+rest)
		}
	}
	switch {
	case w == "":
	case strings.HasPrefix(w, "ll"):
		add(w[2:], "l")
	case strings.HasPrefix(w, "rh"):
		add(w[2:], "r")
	case strings.HasPrefix(w, "ch"), strings.HasPrefix(w, "ff"), strings.HasPrefix(w, "ph"),
		strings.HasPrefix(w, "th"), strings.HasPrefix(w, "ng"), strings.HasPrefix(w, "dd"):
		// digraphs that do not mutate
	case w[0] == 't':
		add(w[1:], "d", "nh", "th")
	case w[0] == 'c':
		add(w[1:], "g", "ngh", "ch")
	case w[0] == 'p':
		add(w[1:], "b", "mh", "ph")
	case w[0] == 'b':
		add(w[1:], "f", "m")
	case w[0] == 'd':
		add(w[1:], "dd", "n")
	case w[0] == 'g':
		if len(w) > 1 {
			add(w[1:], "", "ng")
		}
	case w[0] == 'm':
		add(w[1:], "f")
	case isVowel(w[0]) || w[0] == 'w' || w[0] == 'y':
		out = append(out, "h"+w)
	}
	// Welsh clitics join a word ending in a vowel: "canfasio'r" (the),
	// "nhw'n" are written as one word once the apostrophe is dropped.
	if n := len(w); n > 1 && (isVowel(w[n-1]) || w[n-1] == 'w' || w[n-1] == 'y') {
		for _, f := range out[:len(out):len(out)] {
			out = append(out, f+"r", f+"n")
		}
	}
	return out
}

func appendUnique(ids []int32, id int32) []int32 {
	for _, x := range ids {
		if x == id {
			return ids
		}
	}
	return append(ids, id)
}

// inflections returns simple inflected forms of a base word: call → calls,
// called, calling; phone → phoned, phoning; reply → replied, replies;
// stop → stopped, stopping. Forms that are not English words do no harm:
// they never occur in text.
func inflections(w string) []string {
	forms := []string{w, w + "s", w + "es", w + "ed", w + "ing"}
	n := len(w)
	if n == 0 {
		return forms
	}
	last := w[n-1]
	if last == 'e' {
		forms = append(forms, w+"d", w[:n-1]+"ing")
	}
	if last == 'y' && n > 1 && !isVowel(w[n-2]) {
		forms = append(forms, w[:n-1]+"ies", w[:n-1]+"ied")
	}
	// Double a final consonant after a single short vowel (stop → stopped),
	// only for words of three letters or more so "ad" never gives "added".
	if n >= 3 && !isVowel(last) && last != 'w' && last != 'x' && last != 'y' &&
		isVowel(w[n-2]) && !isVowel(w[n-3]) && isLetter(last) {
		forms = append(forms, w+string(last)+"ed", w+string(last)+"ing")
	}
	return forms
}

func isVowel(b byte) bool  { return strings.IndexByte("aeiou", b) >= 0 }
func isLetter(b byte) bool { return b >= 'a' && b <= 'z' }

// splitWords lower-cases s and splits it into words the way the tokenizer
// does (accents folded, apostrophes dropped inside words, single letters
// joined across dots, thousands separators dropped inside numbers).
func splitWords(s string) []string {
	var out []string
	lex(s, nil, func(w []byte, _, _ int) { out = append(out, string(w)) }, func() {})
	return out
}

// isClauseEnd reports punctuation that ends a clause for negation and gaps.
// A colon does not: "To: everyone" and "CC: all of us" are one phrase.
func isClauseEnd(b byte) bool {
	switch b {
	case '.', '!', '?', ';', ',', '(', ')', '\n', '\r':
		return true
	}
	return false
}

// fold maps a lower-case letter with an accent to its plain letter, so
// that Welsh "ffôn" and "ffon", "ŵyr" and "wyr" are one word.
func fold(r rune) rune {
	switch r {
	case 'à', 'á', 'â', 'ä', 'ã', 'å':
		return 'a'
	case 'è', 'é', 'ê', 'ë':
		return 'e'
	case 'ì', 'í', 'î', 'ï':
		return 'i'
	case 'ò', 'ó', 'ô', 'ö', 'õ':
		return 'o'
	case 'ù', 'ú', 'û', 'ü':
		return 'u'
	case 'ŵ', 'ẁ', 'ẃ', 'ẅ':
		return 'w'
	case 'ŷ', 'ỳ', 'ý', 'ÿ':
		return 'y'
	case 'ç':
		return 'c'
	case 'ñ':
		return 'n'
	}
	return r
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func isASCIILetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

func isAlnum(b byte) bool { return isDigit(b) || isASCIILetter(b) }

// lex splits s into lower-cased, accent-folded words, calling word for each
// (with its byte offsets in s) and brk at each clause boundary. Layout does
// not break a word: single letters separated by dots are one word ("C.C."
// is "cc", "e.g." is "eg"), and a comma between digits followed by exactly
// three digits is a thousands separator ("2,000" is "2000").
func lex(s string, buf []byte, word func(w []byte, start, end int), brk func()) []byte {
	start := -1
	buf = buf[:0]
	letters, digits := true, true // what the current word is made of
	dotted := false               // the current word joined single letters
	emit := func(end int) {
		if len(buf) > 0 {
			word(buf, start, end)
		}
		buf = buf[:0]
		start = -1
		letters, digits, dotted = true, true, false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z':
				if start < 0 {
					start = i
				}
				if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				}
				if isDigit(c) {
					letters = false
				} else {
					digits = false
				}
				buf = append(buf, c)
			case c == '\'' && len(buf) > 0:
				// "wasn't" is the word "wasnt"
			case c == '.' && len(buf) > 0 && letters && (len(buf) == 1 || dotted) &&
				i+1 < len(s) && isASCIILetter(s[i+1]) && (i+2 >= len(s) || !isAlnum(s[i+2])):
				dotted = true
			case c == ',' && len(buf) > 0 && digits && i+4 <= len(s) &&
				isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) && (i+4 == len(s) || !isAlnum(s[i+4])):
				// a thousands separator
			default:
				emit(i)
				if isClauseEnd(c) {
					brk()
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case (r == '’' || r == '‘') && len(buf) > 0:
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
			digits = false
			buf = utf8.AppendRune(buf, fold(unicode.ToLower(r)))
		default:
			emit(i)
			if r == '…' || r == '\u2028' || r == '\u2029' {
				brk()
			}
		}
		i += size
	}
	emit(len(s))
	return buf
}

// tokenize appends the tokens of s to dst. buf is scratch for lower-casing.
func (m *matcher) tokenize(dst []token, s string, src uint8, buf []byte) ([]token, []byte) {
	boundary := func() {
		if len(dst) > 0 && dst[len(dst)-1].id != tokBoundary {
			dst = append(dst, token{id: tokBoundary, src: src})
		}
	}
	buf = lex(s, buf, func(w []byte, start, end int) {
		id := m.ids[string(w)]
		if id > 0 && m.boundary[id] {
			boundary()
			return
		}
		dst = append(dst, token{id: id, src: src, start: int32(start), end: int32(end), num: number(w)})
	}, boundary)
	boundary()
	return dst, buf
}

// number is the value of a word made of digits, or -1. A leading zero
// ("07700") makes a phone number or code, not a count.
func number(w []byte) int32 {
	if len(w) == 0 || len(w) > 9 || len(w) > 1 && w[0] == '0' {
		return -1
	}
	n := int32(0)
	for _, c := range w {
		if !isDigit(c) {
			return -1
		}
		n = n*10 + int32(c-'0')
	}
	return n
}

// hit is the best match of one cue group in a text.
type hit struct {
	matched, strong bool
	// first non-negated match (token indexes, end exclusive)
	from, to int32
	// first negated match, for the rationale
	negated           bool
	negFrom, negTo    int32
	strongFrom, strTo int32
	firm              bool
	// withFrom and withTo are, for a group matched together with others,
	// the match of the set's first group (from and to are the last's).
	with             bool
	withFrom, withTo int32
}

// match finds every cue group's matches in toks; hits must have one entry
// per group and be zeroed. spans is scratch for exception matches and is
// returned for reuse.
func (m *matcher) match(toks []token, hits []hit, spans []span) []span {
	return m.matchSeen(toks, hits, spans, nil)
}

// textFilter knows which words occur in the text being matched, so a
// phrase whose later words are absent is skipped without being tried. The
// verdict for each phrase is kept for the rest of the text: a common first
// word ("I", "they", "the") comes back many times, its phrases are checked
// once.
type textFilter struct {
	// seen[id] == gen marks the word ids of the text.
	seen []uint32
	// ph and ex hold, by phrase and by exception phrase, gen<<1 | 1 when
	// the phrase's needed words occur, gen<<1 when not, once checked.
	ph, ex []uint32
	gen    uint32
}

// reset starts a new text for a matcher with words word ids and the given
// numbers of phrases and exception phrases, and marks the words of toks.
func (f *textFilter) reset(words, phrases, exceptions int, toks []token) {
	if len(f.seen) != words || len(f.ph) != phrases || len(f.ex) != exceptions {
		f.seen, f.ph, f.ex, f.gen = make([]uint32, words), make([]uint32, phrases), make([]uint32, exceptions), 0
	}
	f.gen++
	if f.gen >= 1<<31 { // gen<<1 would overflow: start the marks afresh
		clear(f.seen)
		clear(f.ph)
		clear(f.ex)
		f.gen = 1
	}
	for _, t := range toks {
		if t.id > 0 {
			f.seen[t.id] = f.gen
		}
	}
}

// possible reports whether any of need occurs in the text (always true
// without a filter or without need), remembering the verdict for phrase i
// in cache.
func (f *textFilter) possible(cache []uint32, i int32, need []int32) bool {
	if f == nil || need == nil {
		return true
	}
	if v := cache[i]; v>>1 == f.gen {
		return v&1 == 1
	}
	ok := uint32(0)
	for _, id := range need {
		if f.seen[id] == f.gen {
			ok = 1
			break
		}
	}
	cache[i] = f.gen<<1 | ok
	return ok == 1
}

// matchSeen is match with a filter (nil tries every phrase).
func (m *matcher) matchSeen(toks []token, hits []hit, spans []span, f *textFilter) []span {
	spans = spans[:0]
	var exCache, phCache []uint32
	if f != nil {
		exCache, phCache = f.ex, f.ph
	}
	if len(m.exphrases) > 0 {
		for i := range toks {
			id := toks[i].id
			if id <= 0 {
				continue
			}
			for _, pi := range m.exFirst[id] {
				ph := &m.exphrases[pi]
				if m.groups[ph.group].sources&toks[i].src == 0 || !f.possible(exCache, pi, ph.need) {
					continue
				}
				if end := m.matchFrom(ph.elems[1:], toks, i+1); end >= 0 {
					spans = append(spans, span{from: int32(i), to: int32(end), group: ph.group})
				}
			}
		}
	}
	for i := range toks {
		id := toks[i].id
		if id <= 0 {
			continue
		}
		for _, pi := range m.byFirst[id] {
			ph := &m.phrases[pi]
			g := &m.groups[ph.group]
			if g.sources&toks[i].src == 0 {
				continue
			}
			// Once a group has its first strong match (and firm one, if it
			// has firm cues), later matches change nothing.
			if h := &hits[ph.group]; h.matched && h.strong && (h.firm || !g.hasFirm) {
				continue
			}
			if !f.possible(phCache, pi, ph.need) {
				continue
			}
			end, gapNeg := m.matchGap(ph.elems[1:], toks, i+1)
			if end < 0 || excepted(spans, i, ph.group) {
				continue
			}
			h := &hits[ph.group]
			if g.negatable && (gapNeg || m.negatedAt(toks, i)) {
				if !h.negated {
					h.negated, h.negFrom, h.negTo = true, int32(i), int32(end)
				}
				continue
			}
			if !h.matched {
				h.matched, h.from, h.to = true, int32(i), int32(end)
			}
			if ph.strong && !h.strong {
				h.strong, h.strongFrom, h.strTo = true, int32(i), int32(end)
			}
			h.firm = h.firm || ph.firm
		}
	}
	return spans
}

// excepted reports whether a cue of group starting at token i lies inside
// one of the group's exception matches.
func excepted(spans []span, i, group int) bool {
	for _, s := range spans {
		if s.group == group && int32(i) >= s.from && int32(i) < s.to {
			return true
		}
	}
	return false
}

// matchFrom matches the remaining elements from token j and returns the
// end (exclusive) or -1.
func (m *matcher) matchFrom(elems []element, toks []token, j int) int {
	end, _ := m.matchGap(elems, toks, j)
	return end
}

// matchGap is matchFrom that also reports whether a "..." gap of the match
// passed over a negation word ("they never called me": "@sender ...
// called me" is negated).
func (m *matcher) matchGap(elems []element, toks []token, j int) (int, bool) {
	if len(elems) == 0 {
		return j, false
	}
	el := elems[0]
	if el.gap {
		neg := false
		for k := 0; k <= m.gap && j+k < len(toks); k++ {
			if k > 0 {
				prev := toks[j+k-1].id
				if prev == tokBoundary {
					break
				}
				neg = neg || prev > 0 && m.negation[prev]
			}
			if end, n := m.matchGap(elems[1:], toks, j+k); end >= 0 {
				return end, neg || n
			}
		}
		return -1, false
	}
	if j >= len(toks) {
		return -1, false
	}
	id := toks[j].id
	if id <= 0 {
		return -1, false
	}
	for _, want := range el.ids {
		if want == id {
			return m.matchGap(elems[1:], toks, j+1)
		}
	}
	return -1, false
}

func (m *matcher) negatedAt(toks []token, i int) bool {
	for k := 1; k <= m.window && i-k >= 0; k++ {
		id := toks[i-k].id
		if id == tokBoundary {
			return false
		}
		if id > 0 && m.negation[id] {
			return true
		}
	}
	return false
}
