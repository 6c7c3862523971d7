package nik

import (
	"strings"
	"unicode/utf8"
)

// maxMaskLen caps the length of a masked string that is not 16 characters,
// so that a huge input does not become a huge log line.
const maxMaskLen = 32

// Mask hides an NIK or Nomor KK for logs and lists (UU PDP; domain.md §8.2).
// Surrounding white space is ignored. For a 16-character input it keeps the
// first four and last four characters and stars the middle eight:
// "1771015708900001" gives "1771********0001". Only ASCII digits are ever
// shown; any other character in a kept position is starred too, so a
// mistyped name or a control character never reaches a log.
//
// Any other input is starred completely, one '*' per character (at most 32),
// so the length of a mistyped number stays visible; empty input gives "".
// Mask never shows more than 8 characters of its input.
func Mask(s string) string {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	if n != Length {
		return strings.Repeat("*", min(n, maxMaskLen))
	}
	var b strings.Builder
	b.Grow(Length)
	pos := 0
	for _, c := range s {
		if (pos < 4 || pos >= Length-4) && c >= '0' && c <= '9' {
			b.WriteRune(c)
		} else {
			b.WriteByte('*')
		}
		pos++
	}
	return b.String()
}
