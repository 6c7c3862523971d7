// Package nik parses and checks the two numbers that identify a resident in
// Indonesia's civil registry: the NIK (Nomor Induk Kependudukan) and the
// Nomor KK (family card number). It is pure: no I/O, no clock; the caller
// passes the reference time and the region data.
//
// # NIK structure
//
// An NIK is 16 ASCII digits, PPKKCC DDMMYY SSSS (domain.md §3.1):
//
//	digits  1–2   province code (Kemendagri); Bengkulu is 17
//	digits  3–4   kabupaten/kota code; 01–69 kabupaten, 71–99 kota
//	digits  5–6   kecamatan code
//	digits  7–8   birth day 01–31; for women day + 40, so 41–71
//	digits  9–10  birth month 01–12
//	digits 11–12  last two digits of the birth year
//	digits 13–16  serial, from 0001, unique within the first 12 digits
//
// For example 1771015708900001 is a woman (57 = 17 + 40) born on 17 August
// of a year ending in 90, whose NIK was first issued in kecamatan 17.71.01
// (Selebar, Kota Bengkulu), serial 0001.
//
// # Rules this package follows
//
//   - The region prefix is where the NIK was first issued. It does not change
//     when the person moves, so never derive a person's domicile or
//     responsible office from it; use the Penduduk record (domain.md §3.1,
//     §8.2). [Info] names its fields Provinsi, KabKota and Kecamatan only
//     because those are the levels of the code.
//   - An NIK is lifelong and never changed, even when its date part disagrees
//     with the recorded birth date (PP 40/2019 Pasal 30(2)). So a mismatch
//     with the biodata is a [Warning] from [CrossCheck], never an error.
//   - No check digit is documented and the serial is sequential, so no
//     checksum is verified.
//   - The century is ambiguous: YY=05 may be 1905 or 2005. [Info.BirthDate]
//     picks the latest date that is not after a reference time; do not base
//     age rules on it, use the recorded birth date.
//   - Region codes are retired but never reused, so an old NIK can carry a
//     kecamatan code that no longer exists (for example Rejang Lebong
//     17.02.01–05). An unknown or retired kab/kota or kecamatan is therefore
//     a warning from [Check]; only an unknown province is a hard error.
//
// [Parse] returns hard errors only, as *errs.Error of kind errs.Invalid:
// wrong length, a non-digit, an unknown province, a day outside 01–31 and
// 41–71, a month outside 01–12, serial 0000. [Check] returns the warnings
// that need reference data or the calendar, and [CrossCheck] those that need
// the biodata.
//
// # Nomor KK
//
// A Nomor KK is also 16 digits. The first six are the kecamatan code of the
// issuing place and get the same checks as an NIK ([ParseKK], [CheckKK]).
// The layout of digits 7–16 is not confirmed (domain.md §3.2, §8.10), so they
// are treated as opaque, except that all zeros is rejected. Unlike an NIK, a
// Nomor KK changes when the family moves, splits or loses its head.
//
// # Masking
//
// NIK and Nomor KK are personal data (UU PDP). Log and list them only
// through [Mask], which keeps the first four and last four digits:
// 1771********0001.
package nik
