package siakimport

import (
	"fmt"
	"strconv"
)

// The row error codes. They are stable: store them, switch on them. The
// rejects file and docs/import.md use them.
const (
	CodeBadCSV         = "bad_csv"          // the line is not valid CSV (quotes)
	CodeBadColumnCount = "bad_column_count" // more or fewer fields than the header
	CodeBadEncoding    = "bad_encoding"     // a field is not valid UTF-8
	CodeMissingField   = "missing_field"    // a required field is empty
	CodeBadNIK         = "bad_nik"
	CodeBadKK          = "bad_kk"
	CodeBadName        = "bad_name"
	CodeBadText        = "bad_text" // birth place, occupation or address
	CodeBadDate        = "bad_date"
	CodeFutureDate     = "future_date"
	CodeBadSex         = "bad_sex"
	CodeBadBlood       = "bad_blood_type"
	CodeBadReligion    = "bad_religion"
	CodeBadMarital     = "bad_marital_status"
	CodeBadRelation    = "bad_relationship"
	CodeBadCitizenship = "bad_citizenship"
	CodeBadRTRW        = "bad_rt_rw"
	CodeBadRegion      = "bad_region_code"
	CodeUnknownDesa    = "unknown_desa"
	CodeBadEmail       = "bad_email"
	CodeBadPhone       = "bad_phone"
	CodeBadStatusNIK   = "bad_status_nik"
	CodeEarlyRekam     = "rekam_before_16" // e-KTP recorded before the 16th birthday
	CodeDuplicateNIK   = "duplicate_nik"   // the NIK is already in this batch
	CodeDuplicateHead  = "duplicate_head"  // the family card already has another head in this file
)

// RowError says why a row was rejected. ID and EN are the reason without
// the line number, in Bahasa Indonesia and English; [RowError.Message] adds
// it. Messages never contain an NIK, Nomor KK, name, e-mail or phone number,
// so they are safe to log; the rejected values are only in the rejects file.
type RowError struct {
	Line   int    // 1-based line in the file where the record starts
	Column string // the column at fault, as docs/import.md names it; "" for the whole row
	Code   string // stable code, one of the Code… constants
	ID     string // reason in Bahasa Indonesia
	EN     string // reason in English
}

// Error returns the English message with the line number.
func (e *RowError) Error() string { return e.Message("en") }

// Message returns "baris 17: …" in Bahasa Indonesia, or "line 17: …" for
// lang "en".
func (e *RowError) Message(lang string) string {
	if lang == "en" {
		return "line " + strconv.Itoa(e.Line) + ": " + e.EN
	}
	return "baris " + strconv.Itoa(e.Line) + ": " + e.ID
}

// rowErr builds a RowError; the line is filled in by the caller.
func rowErr(column, code, id, en string) *RowError {
	return &RowError{Column: column, Code: code, ID: id, EN: en}
}

// rowErrf is rowErr with the same fmt arguments applied to both messages.
func rowErrf(column, code, idFormat, enFormat string, args ...any) *RowError {
	return rowErr(column, code, fmt.Sprintf(idFormat, args...), fmt.Sprintf(enFormat, args...))
}

// Notice is something about the whole file worth telling the officer that
// does not reject anything, such as an unknown column.
type Notice struct {
	ID string // in Bahasa Indonesia
	EN string // in English
}

// Message returns the notice in lang ("en" gives English, anything else
// Bahasa Indonesia).
func (n Notice) Message(lang string) string {
	if lang == "en" {
		return n.EN
	}
	return n.ID
}
