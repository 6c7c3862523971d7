package siakimport

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

func itoa(n int) string { return strconv.Itoa(n) }

// cleanText trims s, turns every run of white space (tabs and line breaks
// in a quoted cell included) into one space and upper-cases it, the way
// SIAK stores text. It fails on control and formatting characters and on
// U+FFFD, the mark of a botched conversion to UTF-8. s must be valid UTF-8.
// Clean ASCII input is returned as it is, without allocating.
func cleanText(s string) (string, bool) {
	s = strings.TrimSpace(s)
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || c < ' ' || c == 0x7f || 'a' <= c && c <= 'z' ||
			c == ' ' && i+1 < len(s) && s[i+1] == ' ' {
			clean = false
			break
		}
	}
	if clean {
		return s, true
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case r == utf8.RuneError || unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co):
			return "", false
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String(), true
}

// nameOK reports whether an upper-cased name has only letters (with their
// combining marks), spaces and the punctuation names carry: . , ' - ’ `.
func nameOK(s string) bool {
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && ('A' <= r && r <= 'Z' || r == ' ' || r == '.' || r == ',' || r == '\'' || r == '-' || r == '`'):
		case r == '’' || r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.Is(unicode.Mn, r)):
		default:
			return false
		}
	}
	return true
}

// enumKey normalises a value typed for a fixed list: trimmed, upper-case,
// '-' and '_' as spaces, runs of spaces as one. Already clean input is
// returned without allocating.
func enumKey(s string) string {
	s = strings.TrimSpace(s)
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || c == '-' || c == '_' || c == '\t' || c >= utf8.RuneSelf ||
			c == ' ' && i+1 < len(s) && s[i+1] == ' ' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	s = strings.Map(func(r rune) rune {
		if r == '-' || r == '_' {
			return ' '
		}
		return unicode.ToUpper(r)
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// dateFormat says which layout parseDate saw, for messages.
const dateHelpID = "harus berformat DD-MM-YYYY (contoh 17-08-1990) atau YYYY-MM-DD"
const dateHelpEN = "must be DD-MM-YYYY (for example 17-08-1990) or YYYY-MM-DD"

// parseDate reads D-M-YYYY or YYYY-M-D; '/' and '.' may stand for '-'
// (Excel in an Indonesian locale writes 17/08/1990). It returns midnight UTC.
// ok is false when the text has neither layout; real is false when it does
// but the day does not exist (31-02-1990).
func parseDate(s string) (t time.Time, ok, real bool) {
	var parts [3]int
	var widths [3]int
	n := 0
	var sep byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			if widths[n] == 4 {
				return time.Time{}, false, false
			}
			parts[n] = parts[n]*10 + int(c-'0')
			widths[n]++
		case (c == '-' || c == '/' || c == '.') && n < 2 && widths[n] > 0 && (sep == 0 || sep == c):
			sep = c
			n++
		default:
			return time.Time{}, false, false
		}
	}
	if n != 2 || widths[2] == 0 {
		return time.Time{}, false, false
	}
	var y, m, d int
	switch {
	case widths[0] <= 2 && widths[1] <= 2 && widths[2] == 4:
		d, m, y = parts[0], parts[1], parts[2]
	case widths[0] == 4 && widths[1] <= 2 && widths[2] <= 2:
		y, m, d = parts[0], parts[1], parts[2]
	default:
		return time.Time{}, false, false
	}
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, true, false
	}
	t = time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, true, false
	}
	return t, true, true
}

// digits reports whether s is 1 to max ASCII digits.
func digits(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// pad3 holds "000" to "999", so that RT and RW are padded without
// allocating.
var pad3 = func() (t [1000]string) {
	for i := range t {
		t[i] = string([]byte{byte('0' + i/100), byte('0' + i/10%10), byte('0' + i%10)})
	}
	return t
}()

// normalizePhone turns an Indonesian mobile number as officers type it
// (+62 812-3456-7890, 62812…, 0812 3456 7890, or 812… after Excel dropped
// the leading zero) into 08… with 10 to 13 digits.
func normalizePhone(s string) (string, bool) {
	if strings.ContainsAny(s, " -.()") {
		s = strings.Map(func(r rune) rune {
			switch r {
			case ' ', '-', '.', '(', ')':
				return -1
			}
			return r
		}, s)
	}
	switch {
	case strings.HasPrefix(s, "+62"):
		s = "0" + s[3:]
	case strings.HasPrefix(s, "62"):
		s = "0" + s[2:]
	case strings.HasPrefix(s, "8"):
		s = "0" + s
	}
	if !strings.HasPrefix(s, "08") || len(s) < 10 || len(s) > 13 || !digits(s, 13) {
		return "", false
	}
	return s, true
}

// emailOK is a plain syntax check for the addresses residents have:
// local@domain.tld, with the usual unquoted local-part characters and a
// domain of letter, digit and hyphen labels. s must be lower-case.
func emailOK(s string) bool {
	if len(s) > 254 {
		return false
	}
	at := strings.IndexByte(s, '@')
	if at < 1 || at > 64 || strings.IndexByte(s[at+1:], '@') >= 0 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte(".!#$%&'*+/=?^_`{|}~-", c) >= 0) {
			return false
		}
	}
	labels := 0
	for label := range strings.SplitSeq(domain, ".") {
		labels++
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	if labels < 2 {
		return false
	}
	tld := domain[strings.LastIndexByte(domain, '.')+1:]
	for i := 0; i < len(tld); i++ {
		if tld[i] < 'a' || tld[i] > 'z' {
			return false
		}
	}
	return len(tld) >= 2
}
