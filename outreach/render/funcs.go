package render

import (
	"fmt"
	"reflect"
	"strings"
	"text/template"
)

// maxFormatWidth bounds the width and precision a printf verb may ask for.
// Letters pad numbers to a few digits; {{printf "%01000000d" 0}} would
// make a megabyte in one call before any budget could see it.
const maxFormatWidth = 100

var errFormat = &LimitError{Message: fmt.Sprintf("This template's printf asks for a width or precision above %d, or takes it from an argument (*) or picks arguments by number ([n]). Use plain verbs such as %%s or %%05d.", maxFormatWidth)}

var errCall = &LimitError{Message: "Letter templates cannot use call."}

// boundedFuncs returns the functions a template may call, each charging
// the strings it makes against b. Go's built-in printf, print, println,
// html, js and urlquery are replaced by versions that first check their
// output cannot pass what is left of the budget, from the sizes of their
// arguments, so no call allocates more than the budget, and then charge
// what they made. call is refused: the data of a letter holds no
// functions, so it has no use but surprises. The other built-ins (slice,
// index, len, and, or, not, comparisons) make no new strings: slice of a
// string shares its bytes, and the data is a map of strings.
//
// law and cite print a citation and a guidance link (see citeFuncs); they
// are bound to the version's language and settings, and charge the budget
// like the others.
func boundedFuncs(b *budget, env *citeEnv) template.FuncMap {
	bound := func(f func(...any) string, factor int) func(...any) (string, error) {
		return func(args ...any) (string, error) {
			if err := b.fits(factor*printSize(args) + len(args)); err != nil {
				return "", err
			}
			s := f(args...)
			return s, b.charge(len(s))
		}
	}
	return template.FuncMap{
		"printf": func(format string, args ...any) (string, error) {
			verbs, err := checkFormat(format)
			if err != nil {
				return "", err
			}
			// Every verb pads to at most maxFormatWidth or writes an
			// error marker such as %!d(MISSING); a string argument
			// grows at most fourfold (%q of control bytes, "% x").
			est := len(format) + verbs*(maxFormatWidth+32) + 4*printSize(args) + 32*len(args)
			if err := b.fits(est); err != nil {
				return "", err
			}
			s := fmt.Sprintf(format, args...)
			return s, b.charge(len(s))
		},
		"print":   bound(fmt.Sprint, 1),
		"println": bound(fmt.Sprintln, 1),
		// Escaping grows a byte to at most six (js: \u003C; html: &#34;).
		"html":     bound(template.HTMLEscaper, 6),
		"js":       bound(template.JSEscaper, 6),
		"urlquery": bound(template.URLQueryEscaper, 3),
		// strings.ToUpper grows a byte to at most three: an invalid
		// byte becomes U+FFFD.
		"upper": func(s string) (string, error) {
			if err := b.fits(3 * len(s)); err != nil {
				return "", err
			}
			u := strings.ToUpper(s)
			return u, b.charge(len(u))
		},
		"call": func(any, ...any) (any, error) { return nil, errCall },
		"law": func(key string) (string, error) {
			s, err := env.law(key)
			if err != nil {
				return "", err
			}
			return s, b.charge(len(s))
		},
		"cite": func(key string) (string, error) {
			s, err := env.cite(key)
			if err != nil {
				return "", err
			}
			return s, b.charge(len(s))
		},
	}
}

// printSize is an upper bound on the bytes fmt.Sprint makes of args:
// strings as they are, numbers at most a few hundred digits (%f of 1e308),
// anything else (a letter's data map) as it prints.
func printSize(args []any) int {
	n := 0
	for _, a := range args {
		switch v := a.(type) {
		case string:
			n += len(v)
		case nil, bool:
			n += 16
		default:
			switch reflect.ValueOf(v).Kind() {
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
				reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
				n += 80 // %b of a 64-bit number
			case reflect.Float32, reflect.Float64:
				n += 450 // %f of 1e308 with the widest precision
			default:
				// Complex numbers and the data map: small, bounded
				// by the caller's data.
				n += len(fmt.Sprint(v)) + 900
			}
		}
	}
	return n
}

// checkFormat counts the verbs of a printf format and refuses widths and
// precisions above maxFormatWidth, widths taken from arguments (*), and
// explicit argument indexes ([n]), which would let one argument be
// printed any number of times.
func checkFormat(format string) (verbs int, err error) {
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		if i < len(format) && format[i] == '%' {
			continue
		}
		for i < len(format) && strings.IndexByte("+-# 0", format[i]) >= 0 {
			i++
		}
		for part := 0; part < 2; part++ {
			n := 0
			for i < len(format) && format[i] >= '0' && format[i] <= '9' {
				n = n*10 + int(format[i]-'0')
				if n > maxFormatWidth {
					return 0, errFormat
				}
				i++
			}
			if i < len(format) && (format[i] == '*' || format[i] == '[') {
				return 0, errFormat
			}
			if part == 0 && i < len(format) && format[i] == '.' {
				i++
				continue
			}
			break
		}
		verbs++
	}
	return verbs, nil
}
