package demo

// Contact details: most adults have a mobile number and, the younger the
// more likely, an e-mail address; children have neither.

// mailDomains are reserved for examples (RFC 2606, RFC 6761), in the
// shares of the providers people use: a demo code mailed through a real
// SMTP relay can never reach a real mailbox.
var mailDomains = newChoice([]string{"example.com", "example.net", "example.org", "mail.example", "surel.example", "pos.example"},
	78, 7, 6, 2, 3, 4)

// mailPattern: 0 given.last+n, 1 givenlast+yy+n, 2 given_last+n,
// 3 given+yyyy+n, 4 given.last.yy. The numbers make most addresses unique
// even among the many residents who share a name.
var mailPattern = newWeights(30, 25, 15, 20, 10)

// emailAddr returns an address made from the person's names, or "" for
// those without one.
func (g *kecGen) emailAddr(age, by int, given, last string) string {
	r := g.r
	var p float64
	switch {
	case age <= 35:
		p = 0.85
	case age <= 50:
		p = 0.65
	case age <= 60:
		p = 0.4
	default:
		p = 0.15
	}
	if !r.chance(p) {
		return ""
	}
	var b [64]byte
	e := appendLower(b[:0], given)
	pat := r.pick(&mailPattern)
	if last == "" {
		pat = 3
	}
	switch pat {
	case 0:
		e = appendPad(appendLower(append(e, '.'), last), r.between(1, 9999), 1)
	case 1:
		e = appendPad(append2(appendLower(e, last), by%100), r.intn(100), 2)
	case 2:
		e = appendPad(appendLower(append(e, '_'), last), r.between(1, 999), 1)
	case 3:
		e = appendPad(appendPad(e, by, 4), r.between(1, 999), 1)
	case 4:
		e = append2(append(appendLower(append(e, '.'), last), '.'), by%100)
	}
	e = append(e, '@')
	e = append(e, pickC(r, &mailDomains)...)
	return string(e)
}

// appendLower appends the letters of an upper-case name in lower case,
// dropping spaces and dots.
func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			dst = append(dst, c+'a'-'A')
		}
	}
	return dst
}

// phonePrefixes are real Indonesian mobile prefixes with rough market
// weights in Sumatra: Telkomsel (0811-0813, 0821-0823, 0851-0853), Indosat
// (0814-0816), XL (0817-0819, 0859, 0877-0878), Axis (0831-0838), Tri
// (0895-0899) and Smartfren (0881-0889).
var phonePrefixes = newChoice(
	[]string{
		"0811", "0812", "0813", "0821", "0822", "0823", "0851", "0852", "0853",
		"0814", "0815", "0816",
		"0817", "0818", "0819", "0859", "0877", "0878",
		"0831", "0832", "0833", "0834", "0835", "0836", "0837", "0838",
		"0895", "0896", "0897", "0898", "0899",
		"0881", "0882", "0883", "0884", "0885", "0886", "0887", "0888", "0889",
	},
	3, 10, 10, 10, 10, 6, 3, 10, 8,
	1, 2, 2,
	3, 3, 4, 3, 4, 4,
	1, 1, 1, 1, 1, 1, 1, 2,
	3, 3, 2, 2, 2,
	1, 1, 1, 1, 1, 1, 1, 1, 1,
)

// phone returns a mobile number, or "" for those without one.
func (g *kecGen) phone(age int) string {
	r := g.r
	p := 0.92
	if age > 60 {
		p = 0.6
	}
	if !r.chance(p) {
		return ""
	}
	var b [16]byte
	n := append(b[:0], pickC(r, &phonePrefixes)...)
	digits := 8 // 12 digits in all
	switch x := r.intn(100); {
	case x < 15:
		digits = 7
	case x < 30:
		digits = 9
	}
	n = append(n, byte('1'+r.intn(9)))
	for i := 1; i < digits; i++ {
		n = append(n, byte('0'+r.intn(10)))
	}
	return string(n)
}
