// Package kredensial holds what ikd's credential formats share: the fixed
// list of reasons a credential or presentation fails verification, with
// messages in Bahasa Indonesia and English. The formats live in the
// subpackages sdjwt (SD-JWT VC, online) and qrcred (CWT in an IKD1: QR code,
// offline); the token status list in package statuslist.
package kredensial

import "fmt"

// Reason is a stable, machine-readable code for why verification failed.
// The list is fixed: clients (the verifier page, institutions' systems)
// switch on it.
type Reason string

// Every reason a verifier can answer with besides VALID.
const (
	Unreadable        Reason = "unreadable"         // not a credential or presentation at all
	Unsupported       Reason = "unsupported"        // a format, version, algorithm or type ikd does not accept
	BadEncoding       Reason = "bad_encoding"       // the right format, but malformed (base45, CBOR, JSON, base64url, structure)
	UnknownIssuer     Reason = "unknown_issuer"     // no trusted key with that key ID
	BadSignature      Reason = "bad_signature"      // the issuer's signature does not verify
	BadDisclosure     Reason = "bad_disclosure"     // a disclosure is tampered, unreferenced or repeated
	Expired           Reason = "expired"            // past exp
	NotYetValid       Reason = "not_yet_valid"      // before nbf or iat
	StalePresentation Reason = "stale_presentation" // the holder's signature is older than allowed (90 s for QR)
	WrongHolder       Reason = "wrong_holder"       // the holder's signature does not match the bound device key
	BadNonce          Reason = "bad_nonce"          // the nonce or audience is not the one the verifier gave
	Revoked           Reason = "revoked"            // the status list says revoked
	Suspended         Reason = "suspended"          // the status list says suspended
	StatusUnavailable Reason = "status_unavailable" // the status list could not be obtained or checked
	TrustListStale    Reason = "trust_list_stale"   // the cached trust or status list is past its valid_until
)

// Reasons lists every reason, in a fixed order.
var Reasons = []Reason{Unreadable, Unsupported, BadEncoding, UnknownIssuer, BadSignature, BadDisclosure, Expired,
	NotYetValid, StalePresentation, WrongHolder, BadNonce, Revoked, Suspended, StatusUnavailable, TrustListStale}

var messages = map[Reason][2]string{
	Unreadable:        {"Kode tidak dapat dibaca sebagai KTP digital.", "The code cannot be read as a digital KTP."},
	Unsupported:       {"Format atau algoritma ini tidak didukung.", "This format or algorithm is not supported."},
	BadEncoding:       {"Isi kode rusak atau tidak lengkap.", "The code's content is damaged or incomplete."},
	UnknownIssuer:     {"Penerbit tidak dikenal atau tidak tepercaya.", "The issuer is unknown or not trusted."},
	BadSignature:      {"Tanda tangan penerbit tidak sah: data mungkin telah diubah.", "The issuer's signature is invalid: the data may have been altered."},
	BadDisclosure:     {"Data yang diungkapkan tidak cocok dengan kredensial.", "The disclosed data does not match the credential."},
	Expired:           {"Kredensial sudah kedaluwarsa.", "The credential has expired."},
	NotYetValid:       {"Kredensial belum berlaku.", "The credential is not valid yet."},
	StalePresentation: {"Kode QR sudah kedaluwarsa; minta pemilik menampilkan kode baru.", "The QR code has expired; ask the holder to show a fresh one."},
	WrongHolder:       {"Kode tidak ditandatangani oleh perangkat pemilik.", "The code was not signed by the holder's device."},
	BadNonce:          {"Kode ini dibuat untuk pemeriksaan lain (nonce atau penerima tidak cocok).", "This code was made for another check (nonce or audience does not match)."},
	Revoked:           {"KTP digital ini telah dicabut.", "This digital KTP has been revoked."},
	Suspended:         {"KTP digital ini sedang ditangguhkan.", "This digital KTP is suspended."},
	StatusUnavailable: {"Status pencabutan tidak dapat diperiksa.", "The revocation status cannot be checked."},
	TrustListStale:    {"Daftar tepercaya sudah terlalu lama; perbarui saat ada jaringan.", "The trust list is too old; refresh it when online."},
}

// Message returns the reason's message in "id" (the default) or "en".
func (r Reason) Message(lang string) string {
	m, ok := messages[r]
	if !ok {
		return string(r)
	}
	if lang == "en" {
		return m[1]
	}
	return m[0]
}

// Error is a verification failure: a Reason and a technical detail for
// logs (never shown as the user-facing message).
type Error struct {
	Reason Reason
	Detail string
}

// Error returns the reason and detail.
func (e *Error) Error() string { return string(e.Reason) + ": " + e.Detail }

// Fail returns an *Error with a formatted detail.
func Fail(r Reason, format string, args ...any) *Error {
	return &Error{Reason: r, Detail: fmt.Sprintf(format, args...)}
}
