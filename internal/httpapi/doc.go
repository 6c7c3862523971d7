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
//	POST /oid4vci/credential                    one configuration + proof of the device key -> its credential
//	POST /api/v1/aktivasi                       officer: start an activation (Bearer officer token)
//	POST /api/v1/penduduk/{nik}/tangguhkan      officer: suspend a resident's digital ID
//	POST /api/v1/penduduk/{nik}/pulihkan        officer: lift the suspension
//	POST /api/v1/penduduk/{nik}/cabut           officer: revoke it and release the device
//	POST /api/v1/verifications                  institution: verify a presentation (Bearer API key)
//	GET  /api/v1/openapi.json                   the OpenAPI 3.1 document of the /api/v1/ endpoints
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
// unknown_credential_configuration, unknown_credential_identifier,
// credential_request_denied (a configuration already issued, a digital ID
// suspended or revoked meanwhile, or a resident no longer eligible) and
// server_error. error_description is in
// Bahasa Indonesia unless the request's Accept-Language starts with "en".
//
// # ikd's choices within OpenID4VCI
//
// An offer holds four configurations, each a credential bound to the one
// device key of the activation: the SD-JWT VC ktp_digital_sd_jwt and the
// three QR credentials ktp_qr_dasar, ktp_qr_usia and ktp_qr_foto. As
// OpenID4VCI 1.0 §8 says, a credential request names one configuration
// (credential_configuration_id; credential_identifier is refused with
// unknown_credential_identifier, as the token response carries no
// authorization_details) and its answer holds one credential of that
// configuration only. Each entry of "credentials" carries, besides
// "credential", the extension member "credential_configuration_id". The
// wallet asks for each configuration in turn, with a fresh c_nonce from the
// nonce endpoint for each proof; the access token serves every
// configuration of the offer until it expires (TokenTTL):
//
//   - The first request binds the device of its proof's key, releasing the
//     resident's earlier device and revoking its credentials. Later
//     requests must prove the same key: any other is invalid_proof.
//   - Each configuration is issued at most once per activation; asking for
//     it again is credential_request_denied (a wallet that lost one asks
//     the officer for a new activation). Nothing is re-served: ikd keeps
//     no signed credential to hand out again.
//   - Once the activation's device is released (a newer activation, an
//     officer's revocation) its token is invalid_token; once its
//     credentials are suspended or revoked, credential_request_denied.
//   - Refusals of the last three kinds are audited as
//     kredensial.permintaan_ditolak (aktivasi.ActionCredentialRefused).
//
// The QR credentials use a custom format, "ikd-qr+cwt": the credential is
// the base64url (no padding) of the issuer's COSE_Sign1 CWT (package
// qrcred), which the wallet wraps in a device-signed presentation
// (qrcred.Present) and shows as an "IKD1:" QR code.
//
// Only a JWT proof (openid4vci-proof+jwt, ES256, P-256 key in the jwk
// header) is accepted, and exactly one per request: ikd binds one device
// key per activation, and issues no batches.
//
// Request bodies are limited to MaxBody. Nothing here logs personal data:
// the access log of package httpserver records the route pattern, not the
// path (which holds the pre-authorized code), and errors are logged
// without request content.
//
// The officer and institution endpoints answer errors the same way, with
// the codes invalid_request (400), invalid_token (401), forbidden (403),
// not_found (404), conflict (409: e.g. nothing to suspend) and
// rate_limited (429), and server_error (500) or unavailable (503: with
// Retry-After) for the server's own failures. Their bodies are decoded
// strictly: one JSON object, no unknown members, nothing after it.
//
// # The contract
//
// openapi.json, embedded and served at GET /api/v1/openapi.json, is the
// OpenAPI 3.1 document of every /api/v1/ endpoint: requests, answers,
// error codes per status, headers and authentication. It is kept by hand
// with the handlers, and two tests hold it to them: TestOpenAPILint runs
// the independent linter redocly (npm @redocly/cli, in interop/node) on it,
// and every /api/v1/ answer the package's tests get passes through a
// validator (kin-openapi) that fails the test when its status, content
// type, headers or body are not the document's for that operation.
package httpapi
