// Package qrcred is ikd's offline credential: a KTP digital that a
// resident's phone shows as a QR code and any verifier reads with no
// network, in the way of the EU Digital COVID Certificate.
//
// # Two layers
//
// The issuer layer is a CWT (RFC 8392) in a COSE_Sign1 (RFC 9052, tag 18),
// signed ES256 by the province's issuer key with alg and kid in the
// protected header (Issue). Its claims, in deterministic CBOR, all with
// integer labels:
//
//	1 iss, 4 exp, 5 nbf (optional), 6 iat, 7 cti (the credential ID)
//	8 cnf: {1: COSE_Key} — the holder's device key, EC2 P-256 (RFC 8747)
//	65535 status: {"status_list": {"idx": n, "uri": "…"}} (Token Status List)
//	-65537 ikd: the profile and its resident claims (the table below)
//
// ikd's own claims sit in one map under -65537, a label of the CWT
// registry's private-use range (below -65536), as EU DCC nests its payload
// under one claim: one 5-byte label, then one-byte labels inside. The
// private claim-key table:
//
//	label  claim          CBOR type
//	1      profile        uint: 1 dasar, 2 usia, 3 foto
//	2      nama           tstr
//	3      nik            tstr, 16 digits
//	4      tanggal_lahir  int: days since 1970-01-01 (RFC 8943, untagged)
//	5      jenis_kelamin  tstr: "L" or "P"
//	6      foto_hash      bstr, 16 bytes
//	7      foto           bstr: JPEG thumbnail
//	8      age_over_17    bool
//	9      age_over_21    bool
//	10     cetak          bool, true: a printed card (only in foto, with no cnf)
//
// The verifier is strict: a label that is neither registered above nor in
// the table, at the top or inside -65537, a claim of another CBOR type, or
// a claim missing is bad_encoding; a profile code it does not know is
// unsupported. (Inside cnf's COSE_Key and the status claim, members ikd
// does not use are ignored.)
//
// The device layer is a second COSE_Sign1, ES256 by that device key, over
// {1: the issuer COSE_Sign1 bytes, 2: signing time (seconds since the
// epoch), 3: the verifier's nonce, when it gave one} (Present). It is
// written Prefix ("IKD1:") + base45 (RFC 9285), uncompressed: at a few
// hundred bytes of signatures, keys and short strings zlib saves nothing.
// Base45 uses only the QR alphanumeric alphabet, so qrimage.QRPNG encodes
// it in alphanumeric mode.
//
// # Format versions
//
// The digit of the prefix is the format version; this is version 1, the
// only one, and a verifier answers unsupported for any other "IKD<n>:".
// Before its release (2026-11-23) the layout changed once: the profile and
// the resident claims were text keys at the top of the CWT and the birth
// date "YYYY-MM-DD"; the table above is 50 bytes (75 characters) shorter
// for dasar, so that dasar stays at QR version 15 for names of 40
// characters and more. CWTs in that earlier layout (demo data only) fail
// as bad_encoding.
//
// # Profiles
//
// The wallet holds one issuer CWT per profile and shows the one the
// resident picks: Dasar (nama, nik, tanggal_lahir, jenis_kelamin and
// foto_hash, the first 16 bytes of the SHA-256 of the registry portrait),
// Usia (only age_over_17 and age_over_21, for an age check that reveals
// neither name nor NIK) and Foto (Dasar plus foto, a 48×64 grayscale JPEG
// thumbnail for a face check with no network). The verifier accepts a
// profile only with exactly its claims.
//
// # Printed cards (assisted mode)
//
// A resident with no smartphone gets a card printed at the counter (A6,
// "KARTU CETAK"). Its QR code is a foto issuer CWT with cetak (label 10)
// set to true and no cnf, written Prefix + base45 of the issuer
// COSE_Sign1 itself: no device layer, so no device signature, no signing
// time, no nonce and no 90-second rule (PrintedText). Verify recognises it
// because its outer COSE_Sign1 names a key (kid), which a device layer
// never does, and accepts it only when it is a printed card: a phone's
// issuer CWT shown without its device signature is wrong_holder; a cetak
// claim that is false, in another profile or next to a cnf is
// bad_encoding; and the flag is under the issuer signature, so adding or
// removing it is bad_signature. Verified.Printed tells the verifier to
// say "kartu cetak" and to compare the face. A printed card has its own
// status list entry and is revoked like any other credential.
//
// # The 90-second rule
//
// The wallet re-signs its QR code every 90 seconds. Verify rejects a
// presentation whose device signature is older than VerifyOptions.MaxAge
// (DefaultMaxAge, 90 s), or more than Skew (DefaultSkew, 30 s) in the
// future, as stale_presentation: a screenshot or photo of someone's code
// stops working within a minute and a half, and a copied issuer CWT is
// useless without the device key that cnf names (wrong_holder). A
// signature from the future is a wrong clock on the phone or the verifier,
// not a credential that is not yet valid, so it is stale_presentation
// rather than not_yet_valid, which stays about the issuer's nbf and iat.
// A verifier that can show a nonce first gets replay protection too
// (VerifyOptions.Nonce, bad_nonce).
//
// # Why CWT for the QR code, and SD-JWT online
//
// The QR code has to be read off one phone's screen by another cheap
// phone's camera, which needs a small code. A dasar presentation is about
// 430 bytes, 649 alphanumeric characters: QR version 14 at level L. With
// a verifier's 16-byte nonce it stays at version 15 for names of up to 77
// characters (95 without a nonce; TestSizes measures it). The same data as an SD-JWT VC presentation with a
// key-binding JWT is over 1,100 characters, version 27, which browser
// decoders read unreliably.
// Online, where size does not matter, ikd presents SD-JWT VC (package
// sdjwt): selective disclosure per claim and the OpenID4VP ecosystem.
//
// # Failures
//
// Every verification failure is a *credential.Error with one of the fixed
// reasons of package credential; Verify documents which check gives which.
// The package reads no clock and does no I/O: times are parameters, and
// the only encoders and decoders are of byte slices and images
// (the thumbnail is subpackage foto; drawing and reading the QR code itself is subpackage
// qrimage, kept apart so the WebAssembly verifier links no QR codec). It does not check the status list:
// the caller looks Verified.Status up in its cached list.
package qrcred
