package demo

import "time"

// The generator counts dates as days since 1970-01-01 (a "day number") and
// converts with the proleptic Gregorian algorithms of Howard Hinnant, which
// are exact and much cheaper than time.AddDate for millions of rows.

// dayNum returns the day number of a civil date.
func dayNum(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civil returns the year, month and day of a day number.
func civil(n int) (y, m, d int) {
	n += 719468
	era := floorDiv(n, 146097)
	doe := n - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// dayTime returns midnight UTC of a day number.
func dayTime(n int) time.Time { return time.Unix(int64(n)*86400, 0).UTC() }

// timeDay returns the day number of t's UTC date.
func timeDay(t time.Time) int {
	y, m, d := t.UTC().Date()
	return dayNum(y, int(m), d)
}

// date is a day number with its civil date, computed once.
type date struct{ n, y, m, d int }

func mkDate(n int) date {
	y, m, d := civil(n)
	return date{n, y, m, d}
}

// ageOn returns the age in whole years on day at of someone born on b.
func (b date) ageOn(at date) int {
	age := at.y - b.y
	if at.m < b.m || (at.m == b.m && at.d < b.d) {
		age--
	}
	return age
}

// plus returns the day number of the same calendar day years later (1
// March for 29 February in a common year).
func (b date) plus(years int) int {
	if b.m == 2 && b.d == 29 && !leap(b.y+years) {
		return dayNum(b.y+years, 3, 1)
	}
	return dayNum(b.y+years, b.m, b.d)
}

// addYears returns the day number of the same calendar day y years after n
// (1 March for 29 February in a common year).
func addYears(n, years int) int { return mkDate(n).plus(years) }

func leap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// ageAt returns the age in whole years on day at of someone born on day
// birth, the way penduduk.Age counts it.
func ageAt(birth, at int) int { return mkDate(birth).ageOn(mkDate(at)) }

// appendDMY appends a date as DD-MM-YYYY, the SIAK export format.
func appendDMY(dst []byte, n int) []byte {
	y, m, d := civil(n)
	dst = append2(dst, d)
	dst = append(dst, '-')
	dst = append2(dst, m)
	dst = append(dst, '-')
	return append(dst, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
}

// append2 appends a two-digit number.
func append2(dst []byte, v int) []byte {
	return append(dst, byte('0'+v/10%10), byte('0'+v%10))
}

// appendPad appends v with at least width digits.
func appendPad(dst []byte, v, width int) []byte {
	var buf [20]byte
	i := len(buf)
	for v > 0 || i == len(buf) {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	for len(buf)-i < width {
		i--
		buf[i] = '0'
	}
	return append(dst, buf[i:]...)
}
