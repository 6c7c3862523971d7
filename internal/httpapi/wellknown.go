package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/ikd-project/ikd/internal/aktivasi"
	"github.com/ikd-project/ikd/internal/kms"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/kredensial/sdjwt"
	"github.com/ikd-project/ikd/internal/trustlist"
)

// Credential formats: the SD-JWT VC, and the custom format of the QR
// credentials (see the package documentation).
const (
	FormatSDJWT = "dc+sd-jwt"
	FormatQR    = "ikd-qr+cwt"
)

const (
	ConfigSDJWT    = aktivasi.ConfigSDJWT
	ConfigQRPrefix = aktivasi.ConfigQRPrefix
)

// ConfigurationIDs lists every credential configuration, the SD-JWT VC
// first, then the QR profiles in qrcred.Profiles order
// (aktivasi.ConfigurationIDs).
func ConfigurationIDs() []string { return aktivasi.ConfigurationIDs() }

var qrNames = map[qrcred.Profile]string{
	qrcred.Dasar: "KTP Digital - QR data dasar",
	qrcred.Usia:  "KTP Digital - QR usia",
	qrcred.Foto:  "KTP Digital - QR dengan foto",
}

func proofTypes() map[string]any {
	return map[string]any{"jwt": map[string]any{"proof_signing_alg_values_supported": []string{"ES256"}}}
}

func display(name string) []map[string]string {
	return []map[string]string{{"name": name, "locale": "id-ID"}}
}

// issuerMetadata serves the OpenID4VCI credential issuer metadata.
func (a *API) issuerMetadata(w http.ResponseWriter, r *http.Request) {
	configs := map[string]any{
		ConfigSDJWT: map[string]any{
			"format": FormatSDJWT, "vct": sdjwt.VCTKTPDigital,
			"cryptographic_binding_methods_supported": []string{"jwk"},
			"credential_signing_alg_values_supported": []string{"ES256"},
			"proof_types_supported":                   proofTypes(),
			"credential_metadata":                     map[string]any{"display": display("KTP Digital")},
		},
	}
	for _, p := range qrcred.Profiles {
		configs[ConfigQRPrefix+string(p)] = map[string]any{
			"format": FormatQR, "ikd_profile": string(p),
			"cryptographic_binding_methods_supported": []string{"jwk"},
			"credential_signing_alg_values_supported": []string{"ES256"},
			"proof_types_supported":                   proofTypes(),
			"credential_metadata":                     map[string]any{"display": display(qrNames[p])},
		}
	}
	w.Header().Set("Cache-Control", "max-age=3600")
	writeJSON(w, http.StatusOK, map[string]any{
		"credential_issuer":                   a.PublicURL,
		"credential_endpoint":                 a.PublicURL + "/oid4vci/credential",
		"nonce_endpoint":                      a.PublicURL + "/oid4vci/nonce",
		"display":                             display("KTP Digital"),
		"credential_configurations_supported": configs,
	})
}

// authServerMetadata serves the RFC 8414 metadata: ikd is its own
// authorization server, for the pre-authorized code grant only.
func (a *API) authServerMetadata(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "max-age=3600")
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                   a.PublicURL,
		"token_endpoint":           a.PublicURL + "/oid4vci/token",
		"grant_types_supported":    []string{preAuthGrant},
		"response_types_supported": []string{},
		"pre-authorized_grant_anonymous_access_supported": true,
	})
}

// verifyingKeys returns the keys whose signatures are still accepted now,
// as trust list keys (a retired key with its verify_until).
func (a *API) verifyingKeys() []trustlist.Key {
	now := a.now()
	var out []trustlist.Key
	for _, k := range a.Keys.List() {
		if !k.Verifies(now) {
			continue
		}
		tk := trustlist.Key{ID: k.ID, Public: k.Public}
		if k.State == kms.Retired {
			tk.VerifyUntil = k.VerifyUntil
		}
		out = append(out, tk)
	}
	return out
}

// jwtVCIssuer serves the SD-JWT VC issuer metadata: the public keys that
// verify, as a JWKS.
func (a *API) jwtVCIssuer(w http.ResponseWriter, r *http.Request) {
	keys := []map[string]any{}
	for _, k := range a.verifyingKeys() {
		m, err := sdjwt.JWK(k.Public)
		if err != nil {
			a.internal(w, r, "issuer key", err)
			return
		}
		m["kid"], m["alg"], m["use"] = k.ID, "ES256", "sig"
		if !k.VerifyUntil.IsZero() {
			m["exp"] = k.VerifyUntil.Unix()
		}
		keys = append(keys, m)
	}
	w.Header().Set("Cache-Control", "max-age=300")
	writeJSON(w, http.StatusOK, map[string]any{"issuer": a.PublicURL, "jwks": map[string]any{"keys": keys}})
}

// SignTrustList returns the trust list signed now by the active key: the
// keys that verify and the current token of every status list, valid for
// TrustListValid. The well-known endpoint serves TrustList, its cached form.
func (a *API) SignTrustList(ctx context.Context) (string, error) {
	l, err := a.trustListContent(ctx, a.now().Truncate(time.Second))
	if err != nil {
		return "", err
	}
	return a.signTrustList(l)
}

// trustListContent returns the trust list as of now, unsigned.
func (a *API) trustListContent(ctx context.Context, now time.Time) (trustlist.List, error) {
	lists, err := a.Store.ListStatusLists(ctx)
	if err != nil {
		return trustlist.List{}, fmt.Errorf("status lists: %w", err)
	}
	l := trustlist.List{Issuer: a.PublicURL, IssuedAt: now, ValidUntil: now.Add(TrustListValid), IssuerKeys: a.verifyingKeys()}
	for _, sl := range lists {
		tok, err := a.Issuer.PublishToken(ctx, sl.ID, StatusTokenTTL)
		if err != nil {
			return trustlist.List{}, fmt.Errorf("status list token: %w", err)
		}
		l.StatusLists = append(l.StatusLists, trustlist.StatusList{URI: a.Issuer.StatusURI(sl.ID), Token: tok})
	}
	return l, nil
}

// signTrustList signs l with the active key.
func (a *API) signTrustList(l trustlist.List) (string, error) {
	key := a.Keys.Active()
	signer := key.Signer()
	if signer == nil {
		return "", errNoActiveKey
	}
	jws, err := trustlist.Sign(signer, key.ID, l)
	if err != nil {
		return "", fmt.Errorf("sign trust list: %w", err)
	}
	return jws, nil
}

// serveTrustList serves TrustList, with a max-age that ends
// TrustListCacheFor after it was signed.
func (a *API) serveTrustList(w http.ResponseWriter, r *http.Request) {
	jws, signedAt, err := a.cachedTrustList(r.Context())
	if err != nil {
		a.internal(w, r, "trust list", err)
		return
	}
	maxAge := max(0, TrustListCacheFor-a.now().Sub(signedAt))
	w.Header().Set("Content-Type", "application/jwt")
	w.Header().Set("Cache-Control", "max-age="+strconv.Itoa(int(maxAge.Seconds())))
	w.Write([]byte(jws))
}
