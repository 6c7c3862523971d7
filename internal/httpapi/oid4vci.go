package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/ikd-project/ikd/internal/aktivasi"
	"github.com/ikd-project/ikd/internal/errs"
)

const preAuthGrant = "urn:ietf:params:oauth:grant-type:pre-authorized_code"

// offer serves the credential offer of a live offer.
func (a *API) offer(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	w.Header().Set("Cache-Control", "no-store")
	if _, err := a.Aktivasi.LookupOffer(r.Context(), code); err != nil {
		if errors.Is(err, aktivasi.ErrInvalidGrant) {
			writeJSON(w, http.StatusNotFound, oauthError{Error: "invalid_grant",
				Description: errs.Message(err, lang(r), "")})
			return
		}
		a.internal(w, r, "offer", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"credential_issuer":            a.PublicURL,
		"credential_configuration_ids": ConfigurationIDs(),
		"grants": map[string]any{preAuthGrant: map[string]any{
			"pre-authorized_code": code,
			"tx_code": map[string]any{"input_mode": "numeric", "length": aktivasi.CodeDigits,
				"description": "Kode aktivasi dari e-mail"},
		}},
	})
}

// token redeems the pre-authorized code and the e-mailed code.
func (a *API) token(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	if strings.TrimSpace(strings.ToLower(ct)) != "application/x-www-form-urlencoded" {
		fail(w, r, http.StatusBadRequest, "invalid_request", nil,
			"permintaan harus application/x-www-form-urlencoded", "the request must be application/x-www-form-urlencoded")
		return
	}
	if err := r.ParseForm(); err != nil {
		fail(w, r, http.StatusBadRequest, "invalid_request", nil, "isi permintaan tidak dapat dibaca", "the request body cannot be read")
		return
	}
	f := r.PostForm
	if g := f.Get("grant_type"); g != preAuthGrant {
		fail(w, r, http.StatusBadRequest, "unsupported_grant_type", nil,
			"hanya grant_type "+preAuthGrant+" yang didukung", "only grant_type "+preAuthGrant+" is supported")
		return
	}
	code, tx := f.Get("pre-authorized_code"), f.Get("tx_code")
	if code == "" || tx == "" {
		fail(w, r, http.StatusBadRequest, "invalid_request", nil,
			"pre-authorized_code dan tx_code wajib diisi", "pre-authorized_code and tx_code are required")
		return
	}
	tok, err := a.Aktivasi.Redeem(r.Context(), code, tx)
	switch {
	case errors.Is(err, aktivasi.ErrInvalidGrant), errors.Is(err, aktivasi.ErrWrongTxCode), errors.Is(err, aktivasi.ErrOfferDead):
		fail(w, r, http.StatusBadRequest, "invalid_grant", err, "", "")
		return
	case err != nil:
		a.internal(w, r, "token", err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok.AccessToken, "token_type": "Bearer", "expires_in": int(tok.ExpiresIn.Seconds()),
	})
}

// nonce hands out a fresh c_nonce.
func (a *API) nonce(w http.ResponseWriter, r *http.Request) {
	n, err := a.Aktivasi.Nonce(r.Context())
	if err != nil {
		a.internal(w, r, "nonce", err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]string{"c_nonce": n})
}

// credentialRequest is an OpenID4VCI credential request: proofs (1.0) or
// the older single proof.
type credentialRequest struct {
	ConfigurationID string `json:"credential_configuration_id"`
	Identifier      string `json:"credential_identifier"`
	Proofs          *struct {
		JWT []string `json:"jwt"`
	} `json:"proofs"`
	Proof *struct {
		ProofType string `json:"proof_type"`
		JWT       string `json:"jwt"`
	} `json:"proof"`
}

// bearer returns the access token of an Authorization: Bearer header.
func bearer(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// credential answers an OpenID4VCI 1.0 credential request (§8): the access
// token, one configuration of the offer and one key proof give one
// credential of that configuration (aktivasi.Service.CredentialFor).
func (a *API) credential(w http.ResponseWriter, r *http.Request) {
	tok := bearer(r)
	if tok == "" {
		fail(w, r, http.StatusUnauthorized, "invalid_token", aktivasi.ErrInvalidToken, "", "")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	var req credentialRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		fail(w, r, http.StatusBadRequest, "invalid_credential_request", nil,
			"isi permintaan bukan JSON yang sah", "the request body is not valid JSON")
		return
	}
	proof, ok := checkCredentialRequest(w, r, req)
	if !ok {
		return
	}
	c, err := a.Aktivasi.CredentialFor(r.Context(), tok, req.ConfigurationID, proof)
	if err != nil {
		a.credentialError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"credentials": []map[string]string{
		{"credential": c.Credential, "credential_configuration_id": c.ConfigurationID},
	}})
}

// checkCredentialRequest checks the request's form, answering its errors,
// and returns its one key proof JWT.
func checkCredentialRequest(w http.ResponseWriter, r *http.Request, req credentialRequest) (string, bool) {
	switch {
	case req.Identifier != "":
		// The token response carries no authorization_details, so there
		// are no credential identifiers to name.
		fail(w, r, http.StatusBadRequest, "unknown_credential_identifier", nil,
			"credential_identifier tidak dikenal; gunakan credential_configuration_id", "unknown credential_identifier; use credential_configuration_id")
		return "", false
	case !slices.Contains(ConfigurationIDs(), req.ConfigurationID):
		fail(w, r, http.StatusBadRequest, "unknown_credential_configuration", aktivasi.ErrUnknownConfiguration, "", "")
		return "", false
	case req.Proofs != nil && req.Proof != nil:
		fail(w, r, http.StatusBadRequest, "invalid_credential_request", nil,
			"gunakan proofs atau proof, bukan keduanya", "use proofs or proof, not both")
		return "", false
	}
	var proofs []string
	switch {
	case req.Proofs != nil:
		proofs = req.Proofs.JWT
	case req.Proof != nil && req.Proof.ProofType == "jwt":
		proofs = []string{req.Proof.JWT}
	}
	if len(proofs) != 1 || proofs[0] == "" {
		fail(w, r, http.StatusBadRequest, "invalid_proof", nil,
			"diperlukan tepat satu bukti kunci perangkat berjenis jwt", "exactly one key proof of type jwt is required")
		return "", false
	}
	return proofs[0], true
}

// credentialError answers a refused credential request with its OpenID4VCI
// error code.
func (a *API) credentialError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, aktivasi.ErrInvalidToken):
		fail(w, r, http.StatusUnauthorized, "invalid_token", err, "", "")
	case errors.Is(err, aktivasi.ErrInvalidNonce):
		fail(w, r, http.StatusBadRequest, "invalid_nonce", err, "", "")
	case errors.Is(err, aktivasi.ErrInvalidProof):
		fail(w, r, http.StatusBadRequest, "invalid_proof", err, "", "")
	case errors.Is(err, aktivasi.ErrUnknownConfiguration):
		fail(w, r, http.StatusBadRequest, "unknown_credential_configuration", err, "", "")
	case errs.KindOf(err) == errs.Invalid, errs.KindOf(err) == errs.Conflict:
		// The configuration was issued already, the digital ID was
		// suspended or revoked meanwhile, or the NIK stopped being active.
		fail(w, r, http.StatusBadRequest, "credential_request_denied", err, "", "")
	default:
		a.internal(w, r, "credential", err)
	}
}
