package sdjwt

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// maxJSONDepth is encoding/json's nesting limit, kept so that parseJSON
// accepts exactly what jws.DecodeJSON accepts.
const maxJSONDepth = 10000

// parseJSON decodes exactly one JSON value from s, with optional white
// space around it, into the values jws.DecodeJSON gives when decoding into
// an any: map[string]any, []any, string, json.Number, bool and nil. It
// accepts and rejects the same inputs as jws.DecodeJSON (a duplicate object
// member keeps its last value; invalid UTF-8 in a string becomes U+FFFD),
// but it is built for the verifier's hot path: strings without escapes
// are substrings of s rather than copies, and each object and array is
// allocated once at its final size.
func parseJSON(s string) (any, error) {
	p := jsonParser{s: s}
	return p.parse()
}

// digestList is an "_sd" array of strings as parseSD keeps it: a string
// slice rather than a []any of boxed strings, for the tens of digests a
// payload carries.
type digestList []string

// parseJSON is parseJSON with sc's stacks.
func (sc *scratch) parseJSON(s string) (any, error) {
	return sc.parse(s, false)
}

// parseSD is parseJSON for an SD-JWT payload or Disclosure: the value of
// every "_sd" member that is an array of strings is a digestList rather
// than a []any. Everything else is as parseJSON gives it.
func (sc *scratch) parseSD(s string) (any, error) {
	return sc.parse(s, true)
}

func (sc *scratch) parse(s string, sd bool) (any, error) {
	p := jsonParser{s: s, sd: sd, stack: sc.stack[:0], keys: sc.keys[:0]}
	v, err := p.parse()
	if err != nil { // values are left behind
		clear(p.stack[:cap(p.stack)])
		clear(p.keys[:cap(p.keys)])
	}
	sc.stack, sc.keys = p.stack[:0], p.keys[:0]
	return v, err
}

// disclosureJSON is the JSON array of a Disclosure as parseDisclosure
// reads it: its first two elements, salt and claim name, stay unboxed when
// they are strings.
type disclosureJSON struct {
	n     int       // the number of elements
	str   [2]string // elements 0 and 1, when isStr says they are strings
	isStr [2]bool
	elem  [3]any // elements 0 to 2 that are not in str
}

// at returns element i (i < 3) of the array.
func (d *disclosureJSON) at(i int) any {
	if i < 2 && d.isStr[i] {
		return d.str[i]
	}
	return d.elem[i]
}

// parseDisclosure is parseSD for the JSON of a Disclosure. When it is an
// array, isArray is true and d describes it; otherwise the value is
// returned as other (nil for null). It accepts and rejects what parseSD
// does.
func (sc *scratch) parseDisclosure(s string) (d disclosureJSON, other any, isArray bool, err error) {
	p := jsonParser{s: s, sd: true, stack: sc.stack[:0], keys: sc.keys[:0]}
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == '[' {
		isArray = true
		if err = p.disclosureArray(&d); err == nil {
			p.skipSpace()
			if p.i != len(p.s) {
				err = p.syntaxError("trailing data after JSON value")
			}
		}
	} else {
		other, err = p.parse()
	}
	if err != nil { // values are left behind
		clear(p.stack[:cap(p.stack)])
		clear(p.keys[:cap(p.keys)])
	}
	sc.stack, sc.keys = p.stack[:0], p.keys[:0]
	return d, other, isArray, err
}

// disclosureArray reads the array at p.i into d.
func (p *jsonParser) disclosureArray(d *disclosureJSON) error {
	if err := p.enter(); err != nil {
		return err
	}
	p.i++ // '['
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		p.depth--
		return nil
	}
	for {
		if i := d.n; i < 2 && p.i < len(p.s) && p.s[p.i] == '"' {
			s, err := p.str()
			if err != nil {
				return err
			}
			d.str[i], d.isStr[i] = s, true
		} else {
			v, err := p.value()
			if err != nil {
				return err
			}
			if i < len(d.elem) {
				d.elem[i] = v
			}
		}
		d.n++
		if done, err := p.after(']', "array"); err != nil {
			return err
		} else if done {
			break
		}
	}
	p.depth--
	return nil
}

func (p *jsonParser) parse() (any, error) {
	p.skipSpace()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i != len(p.s) {
		return nil, p.syntaxError("trailing data after JSON value")
	}
	return v, nil
}

// jsonParser is the state of one parseJSON call.
type jsonParser struct {
	s     string
	i     int
	depth int
	sd    bool // "_sd" arrays of strings become digestLists
	// stack holds the elements of the arrays and the member values of the
	// objects being parsed, keys the member names, so that each array and
	// object is built once at its final size.
	stack []any
	keys  []string
}

var errJSONEnd = errors.New("unexpected end of JSON input")

// after reads what follows a member or element of an object or array:
// close (done) or a comma and the space after it; anything else is a
// syntax error naming the container (what).
func (p *jsonParser) after(close byte, what string) (done bool, err error) {
	p.skipSpace()
	if p.i >= len(p.s) {
		return false, errJSONEnd
	}
	c := p.s[p.i]
	p.i++
	if c == close {
		return true, nil
	}
	if c != ',' {
		p.i--
		return false, p.syntaxError("missing ',' or '" + string(close) + "' in " + what)
	}
	p.skipSpace()
	return false, nil
}

func (p *jsonParser) syntaxError(msg string) error {
	return fmt.Errorf("invalid JSON at offset %d: %s", p.i, msg)
}

func (p *jsonParser) skipSpace() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) value() (any, error) {
	if p.i >= len(p.s) {
		return nil, errJSONEnd
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.str()
		return boxString(s), err
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	default:
		return nil, p.syntaxError(fmt.Sprintf("unexpected character %q", c))
	}
}

func (p *jsonParser) literal(lit string) error {
	if len(p.s)-p.i < len(lit) || p.s[p.i:p.i+len(lit)] != lit {
		return p.syntaxError("invalid literal")
	}
	p.i += len(lit)
	return nil
}

// number reads a number with the grammar of RFC 8259 section 6 and keeps
// its text.
func (p *jsonParser) number() (any, error) {
	s, start := p.s, p.i
	i := start
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
	default:
		p.i = i
		return nil, p.syntaxError("invalid number")
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			p.i = i
			return nil, p.syntaxError("invalid number")
		}
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			p.i = i
			return nil, p.syntaxError("invalid number")
		}
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
	}
	p.i = i
	return json.Number(s[start:i]), nil
}

// boxString returns s as an any. The values every verification meets
// (header, JWK and _sd_alg values) come from static data; any other string
// is boxed, which allocates.
func boxString(s string) any {
	switch s {
	case Alg:
		return Alg
	case Typ:
		return Typ
	case KBTyp:
		return KBTyp
	case SDAlg:
		return SDAlg
	case "EC":
		return "EC"
	case "P-256":
		return "P-256"
	case VCTKTPDigital:
		return VCTKTPDigital
	}
	return s
}

// str reads a string. One without escapes that is valid UTF-8 is returned
// as a substring of the input; any other goes through encoding/json, so
// that escapes, surrogates and invalid UTF-8 come out exactly as
// jws.DecodeJSON gives them.
func (p *jsonParser) str() (string, error) {
	s, start := p.s, p.i+1
	ascii := true
	for i := start; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			if !ascii && !utf8.ValidString(s[start:i]) {
				return p.slowStr(i)
			}
			p.i = i + 1
			return s[start:i], nil
		case c == '\\' || c < 0x20:
			return p.slowStr(i)
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	p.i = len(s)
	return "", errJSONEnd
}

// slowStr finishes reading the string that starts at p.i, from i (not
// before the first byte that needs care), with encoding/json's unquoting.
func (p *jsonParser) slowStr(i int) (string, error) {
	s := p.s
	for ; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++ // the escaped byte cannot end the string
		case '"':
			var out string
			if err := json.Unmarshal([]byte(s[p.i:i+1]), &out); err != nil {
				return "", fmt.Errorf("invalid JSON string at offset %d: %w", p.i, err)
			}
			p.i = i + 1
			return out, nil
		}
	}
	p.i = len(s)
	return "", errJSONEnd
}

func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > maxJSONDepth {
		return p.syntaxError("nested too deeply")
	}
	return nil
}

func (p *jsonParser) object() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	p.i++ // '{'
	base, kbase := len(p.stack), len(p.keys)
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		p.depth--
		return map[string]any{}, nil
	}
	for {
		if p.i >= len(p.s) {
			return nil, errJSONEnd
		}
		if p.s[p.i] != '"' {
			return nil, p.syntaxError("object member name is not a string")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.i >= len(p.s) {
			return nil, errJSONEnd
		}
		if p.s[p.i] != ':' {
			return nil, p.syntaxError("missing ':' after object member name")
		}
		p.i++
		p.skipSpace()
		var v any
		if p.sd && k == "_sd" {
			v, err = p.digests()
		} else {
			v, err = p.value()
		}
		if err != nil {
			return nil, err
		}
		p.keys = append(p.keys, k)
		p.stack = append(p.stack, v)
		if done, err := p.after('}', "object"); err != nil {
			return nil, err
		} else if done {
			break
		}
	}
	names, values := p.keys[kbase:], p.stack[base:]
	m := make(map[string]any, len(names))
	for j, k := range names {
		m[k] = values[j] // a repeated name keeps its last value
	}
	clear(values)
	clear(names)
	p.stack, p.keys = p.stack[:base], p.keys[:kbase]
	p.depth--
	return m, nil
}

// digests reads a value that, when it is an array of strings, becomes a
// digestList; any other value is read as value reads it.
func (p *jsonParser) digests() (any, error) {
	start, kbase := p.i, len(p.keys)
	if p.i >= len(p.s) || p.s[p.i] != '[' || p.depth >= maxJSONDepth {
		return p.value()
	}
	p.i++
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return digestList{}, nil
	}
	for {
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			break // not a string: read the array again as any other
		}
		d, err := p.str()
		if err != nil {
			return nil, err
		}
		p.keys = append(p.keys, d)
		if done, err := p.after(']', "array"); err != nil {
			return nil, err
		} else if done {
			l := make(digestList, len(p.keys)-kbase)
			copy(l, p.keys[kbase:])
			clear(p.keys[kbase:])
			p.keys = p.keys[:kbase]
			return l, nil
		}
	}
	clear(p.keys[kbase:])
	p.keys = p.keys[:kbase]
	p.i = start
	return p.value()
}

func (p *jsonParser) array() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	p.i++ // '['
	base := len(p.stack)
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		p.depth--
		return []any{}, nil
	}
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		p.stack = append(p.stack, v)
		if done, err := p.after(']', "array"); err != nil {
			return nil, err
		} else if done {
			break
		}
	}
	elems := p.stack[base:]
	a := make([]any, len(elems))
	copy(a, elems)
	clear(elems)
	p.stack = p.stack[:base]
	p.depth--
	return a, nil
}
