// Package httpapi is ikd's HTTP API for wallets and verifiers: the
// OpenID for Verifiable Credential Issuance 1.0 endpoints of the
// activation (pre-authorized code flow), the issuer metadata, the issuer
// keys, the signed trust list and the status list tokens. Every handler
// answers JSON (or a JWT where a media type says so).
//
// # Endpoints
//
//	GET  /.well-known/openid-credential-issuer  credential issuer metadata
//	GET  /.well-known/oauth-authorization-server authorization server metadata
//	GET  /.well-known/jwt-vc-issuer             issuer keys of SD-JWT VCs (JWKS)
//	GET  /.well-known/ikd-trust-list            signed trust list (application/jwt)
//	GET  /status/{id}                           status list token (application/statuslist+jwt)
//	GET  /oid4vci/offers/{code}                 credential offer (credential_offer_uri)
//	POST /oid4vci/token                         pre-authorized code + tx_code -> access token
//	POST /oid4vci/nonce                         fresh c_nonce
//	POST /oid4vci/credential                    proof of the device key -> credentials
//	POST /api/v1/aktivasi                       officer: start an activation (Bearer officer token)
//	POST /api/v1/penduduk/{nik}/tangguhkan      officer: suspend a resident's digital ID
//	POST /api/v1/penduduk/{nik}/pulihkan        officer: lift the suspension
//	POST /api/v1/penduduk/{nik}/cabut           officer: revoke it and release the device
//	POST /api/v1/verifications                  institution: verify a presentation (Bearer API key)
//
// # Freshness of statuses
//
// POST /api/v1/verifications reads each credential's status from the
// database per request (Issuer.EntryStatus): a suspension or revocation
// counts at once, also one made by another process (ikd kredensial, ikd
// import); the parsed trust list it reuses for OnlineTrustTTL supplies only
// the keys. The public trust list is signed once and served from a cache
// (TrustList): a status or key change in this process re-signs it at once,
// the database is looked at again after TrustListRecheck (10 s) for changes
// made elsewhere, and max-age counts down to TrustListCacheFor after the
// signing. Offline verifiers refresh on their own schedule anyway, so a
// short server-side delay is acceptable there; reading the database on
// every public request would let anyone drive its load.
//
// # Errors
//
// The OpenID4VCI and OAuth endpoints answer errors as
// {"error": CODE, "error_description": TEXT}, with the codes of those
// specifications: invalid_request, invalid_grant (400: a wrong, used,
// expired or dead pre-authorized code or a wrong tx_code; 404 from the
// offer endpoint for an offer that is no longer live),
// unsupported_grant_type, invalid_token (401), invalid_nonce,
// invalid_proof, invalid_credential_request,
// unknown_credential_configuration, credential_request_denied (the
// resident stopped being eligible) and server_error. error_description is in
// Bahasa Indonesia unless the request's Accept-Language starts with "en".
//
// # ikd's choices within OpenID4VCI
//
// One activation issues four credentials together, in one transaction,
// bound to one device key: the SD-JWT VC ktp_digital_sd_jwt and the three
// QR credentials ktp_qr_dasar, ktp_qr_usia and ktp_qr_foto. The credential
// endpoint therefore returns all four in one response, the requested
// configuration first; each entry of "credentials" carries, besides
// "credential", the extension member "credential_configuration_id" so the
// wallet can tell them apart. A second credential request with the same
// access token fails (invalid_token): the token is single-use.
//
// The QR credentials use a custom format, "ikd-qr+cwt": the credential is
// the base64url (no padding) of the issuer's COSE_Sign1 CWT (package
// qrcred), which the wallet wraps in a device-signed presentation
// (qrcred.Present) and shows as an "IKD1:" QR code.
//
// Only a JWT proof (openid4vci-proof+jwt, ES256, P-256 key in the jwk
// header) is accepted, and exactly one: ikd binds one device key per
// activation.
//
// Request bodies are limited to MaxBody. Nothing here logs personal data:
// the access log of package httpserver records the route pattern, not the
// path (which holds the pre-authorized code), and errors are logged
// without request content.
//
// The officer and institution endpoints answer errors the same way, with
// the codes invalid_request (400), invalid_token (401), forbidden (403),
// not_found (404), conflict (409: e.g. nothing to suspend) and
// rate_limited (429). Their bodies are decoded strictly: one JSON object,
// no unknown members, nothing after it.
package httpapi
