package issuance

import (
	"context"
	"crypto/ecdsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ikd-project/ikd/internal/kms"
	"github.com/ikd-project/ikd/internal/kredensial/sdjwt"
	"github.com/ikd-project/ikd/internal/store"
)

// Re-issue: a photo or data change makes every credential a resident
// holds out of date. Reissue, in the caller's transaction, revokes the
// active device's credentials on the status list and marks them
// superseded, signs the same kinds anew from the current record for the
// same device key (read from the old SD-JWT VC's cnf), and keeps them for
// the wallet, which fetches them with its signed data request (package
// dompet). Printed cards carry the old data too: they are revoked, and the
// officer prints a new one. A suspended or revoked digital ID is left as
// it is (nothing valid to replace).

// Audit actions of a re-issue.
const (
	ActionSupersede = "kredensial.ganti" // old credentials revoked as superseded
	purposeReissue  = "penerbitan ulang IKD"
)

// Reissue is a request to re-issue a resident's credentials after a
// change of their photo or data.
type Reissue struct {
	NIK     string
	Alasan  string // why: "ubah_foto", "ubah_data", "impor_siak"
	Petugas string // the officer, or the component (the import)
	Kantor  string
}

// ReissueResult is what a re-issue did.
type ReissueResult struct {
	Superseded []string // the old credentials' IDs
	Issued     []Issued // the new ones, waiting for the wallet
	Cetak      int      // printed cards revoked
	// Kept says why no new credentials were issued: "none" (no active
	// device or none issued), "suspended" or "revoked" (left as they
	// were), or "nokey" (the old ones were superseded, but the device
	// holds no SD-JWT VC to read its key from: it must activate again).
	Kept string
}

// ErrNoHolderKey: the device's credentials name no key to bind new ones
// to (no SD-JWT VC among them).
var ErrNoHolderKey = errors.New("issuance: the device holds no SD-JWT VC whose key new credentials could be bound to")

// Reissue re-issues the resident's credentials inside tx (see above).
func (is *Issuer) Reissue(ctx context.Context, tx store.Tx, r Reissue) (ReissueResult, error) {
	var res ReissueResult
	who := actor{by: r.Petugas, kantor: r.Kantor}
	p, err := tx.GetPenduduk(ctx, r.NIK)
	if err != nil {
		return res, fmt.Errorf("issuance: reissue: %w", err)
	}
	pc, err := printedOf(ctx, tx, r.NIK)
	if err != nil {
		return res, err
	}
	if res.Cetak, err = is.changePrinted(ctx, tx, r.NIK, pc, store.StatusRevoked, ActionPrintRevoke, who, r.Alasan); err != nil {
		return res, err
	}
	dev, err := tx.GetPerangkatAktif(ctx, r.NIK)
	if errors.Is(err, store.ErrNotFound) {
		res.Kept = "none"
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("issuance: active device: %w", err)
	}
	if err := lockActivation(ctx, tx, dev); err != nil {
		return res, err
	}
	live, kept, err := liveCredentials(ctx, tx, dev)
	if err != nil || kept != "" {
		res.Kept = kept
		return res, err
	}
	devKey, keyErr := holderKey(live, dev)
	if res.Superseded, err = is.supersede(ctx, tx, r, who, live); err != nil {
		return res, err
	}
	if errors.Is(keyErr, ErrNoHolderKey) {
		// Only QR credentials, whose stored bytes ikd does not read the key
		// from: the out-of-date ones stop all the same, and the resident
		// activates again.
		res.Kept = "nokey"
		return res, nil
	}
	if keyErr != nil {
		return res, keyErr
	}
	res.Issued, err = is.issueKinds(ctx, tx, p, dev, devKey, kindsOf(live), reissueKeeper(ctx, tx, r, res.Superseded))
	if err != nil {
		return res, err
	}
	for _, c := range res.Issued {
		k := store.Kiriman{PerangkatID: dev.ID, Konfigurasi: Kind{c.Format, c.Profile}.ConfigurationID(), KredensialID: c.Kredensial.ID, Isi: c.Wire()}
		if err := tx.PutKiriman(ctx, k); err != nil {
			return res, fmt.Errorf("issuance: keep for the wallet: %w", err)
		}
	}
	return res, nil
}

// liveCredentials returns the device's issued, not superseded credentials
// when every one is valid; otherwise kept says why they stay: "none",
// "suspended" or "revoked".
func liveCredentials(ctx context.Context, tx store.Tx, dev store.Perangkat) (live []store.Kredensial, kept string, err error) {
	creds, current, err := currentStatuses(ctx, tx, dev)
	if err != nil {
		return nil, "", err
	}
	for _, k := range creds {
		if k.State != store.Terbit || !k.DigantiPada.IsZero() {
			continue
		}
		if s := current[k.ID]; s != store.StatusValid {
			return nil, statusName(s), nil
		}
		live = append(live, k)
	}
	if len(live) == 0 {
		return nil, "none", nil
	}
	return live, "", nil
}

// holderKey reads the device key from the cnf of the SD-JWT VC among
// creds (its stored to-be-signed bytes are the JWS header and payload),
// and checks it is the key dev is bound by.
func holderKey(creds []store.Kredensial, dev store.Perangkat) (*ecdsa.PublicKey, error) {
	for _, k := range creds {
		if k.Format != FormatSDJWT {
			continue
		}
		_, payload, ok := strings.Cut(string(k.TBS), ".")
		raw, err := base64.RawURLEncoding.DecodeString(payload)
		if !ok || err != nil {
			return nil, fmt.Errorf("issuance: stored SD-JWT %s is malformed", k.ID)
		}
		var body struct {
			Cnf struct {
				JWK map[string]any `json:"jwk"`
			} `json:"cnf"`
		}
		if err := json.Unmarshal(raw, &body); err != nil {
			return nil, fmt.Errorf("issuance: stored SD-JWT %s: %w", k.ID, err)
		}
		key, err := sdjwt.ParseJWK(body.Cnf.JWK)
		if err != nil {
			return nil, fmt.Errorf("issuance: holder key of %s: %w", k.ID, err)
		}
		if jkt, err := kms.Thumbprint(key); err != nil || jkt != dev.JKT {
			return nil, fmt.Errorf("issuance: the key of %s is not the one device %d is bound by", k.ID, dev.ID)
		}
		return key, nil
	}
	return nil, ErrNoHolderKey
}

// supersede revokes the live credentials and marks them superseded, with
// one audit event.
func (is *Issuer) supersede(ctx context.Context, tx store.Tx, r Reissue, who actor, live []store.Kredensial) ([]string, error) {
	entries := make([]string, len(live))
	for i, k := range live {
		entries[i] = k.ID
	}
	// Every live credential is valid (liveCredentials): no statuses to pass.
	return is.setAll(ctx, tx, r.NIK, entries, nil, store.StatusRevoked, ActionSupersede, "status kredensial", who, r.Alasan,
		func(id string) error { return tx.SupersedeKredensial(ctx, id, is.now()) })
}

// kindsOf lists the kinds of creds in Kinds() order.
func kindsOf(creds []store.Kredensial) []Kind {
	var out []Kind
	for _, k := range Kinds() {
		if slices.ContainsFunc(creds, func(c store.Kredensial) bool { return c.Format == k.Format && c.Profil == k.Profile }) {
			out = append(out, k)
		}
	}
	return out
}

// reissueKeeper keeps re-issued credentials in kredensial, audited under
// the re-issue's office with the IDs they replace.
func reissueKeeper(ctx context.Context, tx store.Tx, r Reissue, replaces []string) keeper {
	return keeper{kantor: r.Kantor, purpose: purposeReissue, detail: map[string]any{"menggantikan": replaces, "alasan": r.Alasan},
		create: func(k *store.Kredensial) error { return tx.CreateKredensial(ctx, k) },
		issued: func(id string) error { return tx.SetKredensialState(ctx, id, store.Terbit) }}
}
