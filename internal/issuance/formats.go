package issuance

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/fxamacker/cbor/v2"

	"github.com/ikd-project/ikd/internal/credlint"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred/foto"
	"github.com/ikd-project/ikd/internal/kredensial/sdjwt"
)

// registered are claim names credlint reads from typed fields rather than
// from Credential.Claims.
var registered = map[string]bool{
	"iss": true, "iat": true, "nbf": true, "exp": true, "vct": true, "cnf": true, "status": true,
	"jti": true, "cti": true, "p": true,
}

// sdjwtJob encodes the SD-JWT VC. Its to-be-signed bytes are the JWS
// signing input, BASE64URL(header) "." BASE64URL(payload); the
// Disclosures are covered through their digests in the payload.
func (in jobInput) sdjwtJob(signer crypto.Signer, id string, st credlint.Status) (*prepared, error) {
	sd, err := sdjwt.KTPClaims(KTPOf(in.p), in.iat)
	if err != nil {
		return nil, err
	}
	c := sdjwt.Claims{
		Issuer: in.is.IssuerURL, IssuedAt: in.iat, Expiry: in.exp, VCT: sdjwt.VCTKTPDigital, Holder: in.devKey,
		Status: &sdjwt.StatusRef{Idx: st.Idx, URI: st.URI}, Plain: map[string]any{"jti": id},
	}
	form, err := sdjwt.Issue(signer, in.kid, c, sd, nil)
	if err != nil {
		return nil, err
	}
	v, err := sdjwt.Verify(form, sdjwt.VerifyOptions{
		Keys: func(string) (crypto.PublicKey, bool) { return in.throwaway, true }, Now: in.iat,
	})
	if err != nil {
		return nil, fmt.Errorf("read back: %w", err)
	}
	jws, rest, _ := strings.Cut(form, "~")
	dot := strings.LastIndexByte(jws, '.')
	if dot < 0 {
		return nil, errors.New("malformed JWS")
	}
	tbs := []byte(jws[:dot])
	lc := credlint.Credential{
		Format: credlint.FormatSDJWT, Issuer: v.Issuer, VCT: v.VCT, IssuedAt: v.IssuedAt, Expiry: v.Expiry,
		HolderKey: v.HolderKey != nil, Claims: subjectClaims(v.Claims), BirthDate: in.birth, Size: len(form),
	}
	if v.Status != nil {
		lc.Status = &credlint.Status{Idx: v.Status.Idx, URI: v.Status.URI}
	}
	finish := func(raw []byte) (Issued, error) {
		return Issued{Credential: string(tbs) + "." + base64.RawURLEncoding.EncodeToString(raw) + "~" + rest}, nil
	}
	return &prepared{lint: lc, tbs: tbs, finish: finish}, nil
}

func subjectClaims(all map[string]any) map[string]any {
	out := make(map[string]any, len(all))
	for k, v := range all {
		if !registered[k] {
			out[k] = v
		}
	}
	return out
}

// cwtJob encodes the issuer CWT of a profile. Its to-be-signed bytes are
// the COSE Sig_structure ["Signature1", protected, h”, payload].
func (in jobInput) cwtJob(prof qrcred.Profile) func(crypto.Signer, string, credlint.Status) (*prepared, error) {
	return func(signer crypto.Signer, id string, st credlint.Status) (*prepared, error) {
		cti, err := base64.RawURLEncoding.DecodeString(id)
		if err != nil {
			return nil, err
		}
		c := qrcred.Claims{
			Issuer: in.is.IssuerURL, CTI: cti, IAT: in.iat, Exp: in.exp, DeviceKey: in.devKey, Printed: in.printed,
			Status: qrcred.Status{Idx: uint64(st.Idx), URI: st.URI},
			Resident: qrcred.Resident{Nama: in.p.Nama, NIK: in.p.NIK, TanggalLahir: in.birth,
				JenisKelamin: string(in.p.JenisKelamin), Portrait: in.portrait},
		}
		if prof == qrcred.Foto {
			if c.Resident.Foto, err = foto.Thumbnail(in.portrait); err != nil {
				return nil, err
			}
		}
		cwt, err := qrcred.Issue(signer, in.qkid, c, prof)
		if err != nil {
			return nil, err
		}
		cred, err := qrcred.ParseIssued(cwt, func([]byte) (crypto.PublicKey, bool) { return in.throwaway, true })
		if err != nil {
			return nil, fmt.Errorf("read back: %w", err)
		}
		msg, err := decodeSign1(cwt)
		if err != nil {
			return nil, err
		}
		// Reassembling must give back the bytes qrcred made, so that only
		// the signature differs in the issued CWT.
		if again, err := msg.marshal(); err != nil || !bytes.Equal(again, cwt) {
			return nil, fmt.Errorf("COSE_Sign1 does not re-encode identically (%v)", err)
		}
		tbs, err := cbor.Marshal([]any{"Signature1", msg.Protected, []byte{}, msg.Payload})
		if err != nil {
			return nil, err
		}
		// ParseIssued refuses claims outside qrcred's claim-key table, so
		// the named claims are all the payload carries.
		lc := credlint.Credential{
			Format: credlint.FormatCWT, Profile: string(cred.Profile), Issuer: cred.Issuer,
			IssuedAt: cred.IAT, Expiry: cred.Exp, HolderKey: cred.DeviceKey != nil, Printed: cred.Printed,
			Status: &credlint.Status{Idx: int(cred.Status.Idx), URI: cred.Status.URI},
			Claims: cred.Claims.Named(), BirthDate: in.birth, Size: len(cwt),
		}
		finish := func(raw []byte) (Issued, error) {
			signed := *msg
			signed.Signature = raw
			out, err := signed.marshal()
			if err != nil {
				return Issued{}, err
			}
			return Issued{CWT: out}, nil
		}
		return &prepared{lint: lc, tbs: tbs, finish: finish}, nil
	}
}

// coseSign1 is a COSE_Sign1 with its unprotected header kept as encoded.
type coseSign1 struct {
	_           struct{} `cbor:",toarray"`
	Protected   []byte
	Unprotected cbor.RawMessage
	Payload     []byte
	Signature   []byte
}

const tagSign1 = 18

func decodeSign1(b []byte) (*coseSign1, error) {
	var tag cbor.RawTag
	if err := cbor.Unmarshal(b, &tag); err != nil || tag.Number != tagSign1 {
		return nil, fmt.Errorf("not a tagged COSE_Sign1 (%v)", err)
	}
	var m coseSign1
	if err := cbor.Unmarshal(tag.Content, &m); err != nil {
		return nil, fmt.Errorf("COSE_Sign1: %w", err)
	}
	return &m, nil
}

func (m *coseSign1) marshal() ([]byte, error) {
	return cbor.Marshal(cbor.Tag{Number: tagSign1, Content: m})
}

// Configuration IDs (OpenID4VCI) of the kinds: the SD-JWT VC, and one QR
// credential per profile, ConfigQRPrefix + profile.
const (
	ConfigSDJWT    = "ktp_digital_sd_jwt"
	ConfigQRPrefix = "ktp_qr_"
)

// ConfigurationID is the OpenID4VCI credential configuration ID of k.
func (k Kind) ConfigurationID() string {
	if k.Format == FormatCWT {
		return ConfigQRPrefix + k.Profile
	}
	return ConfigSDJWT
}

// Wire is the credential as the wallet keeps it: the SD-JWT VC's
// issuance form, or the CWT in base64url.
func (i Issued) Wire() string {
	if i.Format == FormatCWT {
		return base64.RawURLEncoding.EncodeToString(i.CWT)
	}
	return i.Credential
}
