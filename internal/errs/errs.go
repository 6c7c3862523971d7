// Package errs defines the one error type that crosses ikd's layers: a Kind
// that says what went wrong in general (invalid input, not found, conflict, ...)
// and a message that is safe to show to the user, in Bahasa Indonesia and
// English.
//
// A Kind is itself an error, so errors.Is(err, errs.NotFound) holds however
// deeply the error is wrapped. Only the HTTP and CLI edges turn kinds into
// status codes and exit codes.
package errs

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Kind classifies an error. It implements error so that it can be matched
// with errors.Is through any amount of wrapping.
type Kind string

// The kinds of error that ikd distinguishes.
const (
	Invalid         Kind = "invalid"
	NotFound        Kind = "not found"
	Conflict        Kind = "conflict"
	Forbidden       Kind = "forbidden"
	Unauthenticated Kind = "unauthenticated"
	Unavailable     Kind = "unavailable"
)

// Error returns the kind's name.
func (k Kind) Error() string { return string(k) }

// Error is an error of a Kind with a message safe to show, in Bahasa
// Indonesia (ID) and English (EN).
type Error struct {
	Kind Kind
	ID   string // message in Bahasa Indonesia
	EN   string // message in English
}

// Error returns the English message prefixed by the kind.
func (e *Error) Error() string { return string(e.Kind) + ": " + e.EN }

// Unwrap returns the kind, so errors.Is(err, kind) works.
func (e *Error) Unwrap() error { return e.Kind }

// Message returns the message in the given language ("id" or "en"); any
// other value gives Bahasa Indonesia.
func (e *Error) Message(lang string) string {
	if lang == "en" {
		return e.EN
	}
	return e.ID
}

// New returns an *Error of kind k with a message in both languages.
func New(k Kind, id, en string) *Error { return &Error{Kind: k, ID: id, EN: en} }

// Newf is New with fmt.Sprintf formatting applied to both messages with the
// same arguments.
func Newf(k Kind, idFormat, enFormat string, args ...any) *Error {
	return &Error{Kind: k, ID: fmt.Sprintf(idFormat, args...), EN: fmt.Sprintf(enFormat, args...)}
}

// KindOf returns the Kind of err, or "" when err carries none.
func KindOf(err error) Kind {
	var k Kind
	if errors.As(err, &k) {
		return k
	}
	return ""
}

// Message returns the user-safe message of err in the given language when err
// wraps an *Error, and fallback otherwise.
func Message(err error, lang, fallback string) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message(lang)
	}
	return fallback
}

// redacted is an error whose text has secrets replaced; it unwraps to the
// original, so errors.Is and errors.As still see the chain.
type redacted struct {
	err  error
	text string
}

func (r *redacted) Error() string { return r.text }
func (r *redacted) Unwrap() error { return r.err }

// Redact returns err with every occurrence of a secret in its text replaced
// by its mask, for errors that may reach a log: pairs are secret, mask,
// secret, mask, ... (e.g. an e-mail address and its masked form). Secrets
// match whatever their case, since servers echo addresses normalised; for
// a secret that is an e-mail address, its local part alone (at least 3
// characters) is replaced too, by "***". Empty secrets are skipped; a nil
// err stays nil.
func Redact(err error, pairs ...string) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	for _, p := range redactions(pairs) {
		text = replaceFold(text, p[0], p[1])
	}
	return &redacted{err: err, text: text}
}

// redactions returns the secret-mask pairs to apply, e-mail local parts
// added, longest secret first so that a local part never splits its
// address.
func redactions(pairs []string) [][2]string {
	var out [][2]string
	for i := 0; i+1 < len(pairs); i += 2 {
		secret := pairs[i]
		if secret == "" {
			continue
		}
		out = append(out, [2]string{secret, pairs[i+1]})
		if at := strings.LastIndexByte(secret, '@'); at >= 3 {
			out = append(out, [2]string{secret[:at], "***"})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i][0]) > len(out[j][0]) })
	return out
}

// replaceFold replaces every case-insensitive occurrence of old in s (of
// the same length in bytes, which holds for ASCII such as e-mail
// addresses) by repl.
func replaceFold(s, old, repl string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+len(old) <= len(s) && strings.EqualFold(s[i:i+len(old)], old) {
			b.WriteString(repl)
			i += len(old)
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}
