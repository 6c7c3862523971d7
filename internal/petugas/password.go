package petugas

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/ikd-project/ikd/internal/errs"
)

// argon2id parameters: OWASP's second recommended set (19 MiB, 2 passes,
// one lane), about 25 ms on this project's machine.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// Password length bounds, in characters.
const (
	MinPassword = 10
	MaxPassword = 128
)

// hashPassword returns the argon2id PHC string of password with a fresh
// salt.
func hashPassword(password string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// dummyHash is checked against when the username is unknown, so that the
// answer takes as long as for a known one.
var dummyHash = hashPassword("ikd-no-such-officer")

// checkPassword reports whether password matches the PHC string phc.
func checkPassword(phc, password string) bool {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var v, m, t int
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m <= 0 || t <= 0 || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, uint32(t), uint32(m), p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// checkPasswordPolicy says what is wrong with a new password, in both
// languages: too short or long, the username in it, or the two entries
// differ.
func checkPasswordPolicy(username, password, again string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case password != again:
		return errs.New(errs.Invalid, "kedua kata sandi tidak sama", "the two passwords differ")
	case n < MinPassword:
		return errs.Newf(errs.Invalid, "kata sandi terlalu pendek: paling sedikit %d karakter", "the password is too short: at least %d characters", MinPassword)
	case n > MaxPassword:
		return errs.Newf(errs.Invalid, "kata sandi terlalu panjang: paling banyak %d karakter", "the password is too long: at most %d characters", MaxPassword)
	case strings.Contains(strings.ToLower(password), username):
		return errs.New(errs.Invalid, "kata sandi tidak boleh memuat username", "the password must not contain the username")
	}
	return nil
}
