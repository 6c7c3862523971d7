// Package sdjwt issues, presents and verifies ikd's online credential: an
// SD-JWT VC (RFC 9901 "Selective Disclosure for JWTs" with
// draft-ietf-oauth-sd-jwt-vc), signed ES256 on P-256 and nothing else.
//
// The package is pure: no I/O, no clock (the time is always a parameter), no
// network and no database. Issuer trust comes in as a function from key ID to
// public key; randomness as an io.Reader.
//
// # Roles
//
//   - The issuer calls [Issue] with the registered claims ([Claims]) and the
//     personal claims, each of which becomes a salted Disclosure. [KTPClaims]
//     builds the personal claims of the digital KTP.
//   - The holder (the wallet) calls [Present] to keep only the Disclosures it
//     chooses and to append a Key Binding JWT signed by its device key, bound
//     to the verifier's audience and nonce.
//   - The verifier calls [Verify], which checks everything RFC 9901 asks for
//     and answers with a [credential.Reason] for every failure.
//
// # Decisions
//
// Header typ: issued credentials carry typ "dc+sd-jwt". [Verify] accepts only
// that value: the legacy "vc+sd-jwt" is rejected as unsupported, because ikd is
// the only issuer its verifiers trust and has never issued the legacy type, so
// accepting it would only widen what an attacker may send.
//
// Nesting: a personal claim whose value is a map[string]any (the address,
// alamat) is issued as a recursive Disclosure (RFC 9901 section 6.3): the
// object itself is one Disclosure whose value holds only the digests of its
// members, and each member is a Disclosure of its own. A verifier that is
// shown only alamat.kab_kota learns that one member and nothing about the
// others, not even that the address has more members. Only one level is
// split this way: deeper values are disclosed whole. [Verify] itself processes
// any depth and array element Disclosures, as RFC 9901 requires.
//
// Decoys: every _sd array is padded with decoy digests to a multiple of
// [DecoyBlock], so a credential does not reveal how many personal claims it
// holds (a resident without a blood type looks like one with).
//
// Reserved claims: iss, iat, nbf, exp, vct, cnf and status are never
// selectively disclosable; a Disclosure carrying one of them at the top level
// is rejected.
//
// Claim paths: [Present] and [Verified.Disclosed] name a disclosed claim by
// its path: "nik" at the top level, "alamat.kab_kota" for an object member,
// "nationalities[0]" for an array element (its index in the issued array).
//
// # Failure reasons
//
// [Verify] returns a *[credential.Error] for every verification failure:
//
//	unreadable          empty input
//	bad_encoding        malformed base64url, JSON or SD-JWT structure, a
//	                    missing or mistyped required claim (iss, vct and exp
//	                    are required; iat, nbf, cnf and status are optional)
//	unsupported         alg other than ES256 (none, HS256, ...), typ other
//	                    than dc+sd-jwt (or kb+jwt for the KB-JWT), crit or b64
//	                    headers, _sd_alg other than sha-256, a non-P-256
//	                    holder key, a vct other than the expected one
//	unknown_issuer      no trusted key for the header's kid (a JWS without
//	                    a kid is looked up as "")
//	bad_signature       the issuer's signature does not verify
//	bad_disclosure      a Disclosure that is tampered, unreferenced, repeated,
//	                    named _sd or "...", clashing with an existing claim,
//	                    carrying a reserved claim, or of the wrong shape for
//	                    where it is referenced; an sd_hash that does not match
//	                    the presented Disclosures
//	expired             now is past exp + Skew
//	not_yet_valid       now + Skew is before nbf or iat
//	wrong_holder        a Key Binding JWT is required but missing, or it is
//	                    not signed by the key in cnf.jwk
//	bad_nonce           the KB-JWT's nonce or aud is not the verifier's
//	stale_presentation  the KB-JWT's iat is older than MaxKBAge or in the future
//
// Misuse of the API (a nil key function, a zero Now, RequireKB without an
// audience and nonce) is reported as a plain error, not a credential.Error.
package sdjwt
