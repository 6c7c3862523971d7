// Package issuance signs residents' digital IDs: one SD-JWT VC and one QR
// CWT per disclosure profile, each with an entry in a Token Status List,
// and keeps those statuses (revoke, suspend, release a device) and the
// signed status list tokens.
//
// Every signature follows boulder's order, inside the caller's
// transaction: reserve the status index, build the claims, sign them with
// a throwaway key so the exact encoded credential can be linted
// (credlint), store the exact to-be-signed bytes in a DISIAPKAN row, write
// the kredensial.siapkan audit event, and only then ask the issuer key to
// sign those same bytes; the row becomes TERBIT and kredensial.terbit is
// recorded. Nothing is signed by the issuer key that was not linted, stored
// and audited first.
package issuance

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	cryptorand "crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/ikd-project/ikd/internal/kredensial/jws"
	"io"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/credlint"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/kms"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/kredensial/sdjwt"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// Status list parameters: 2 bits per entry (valid, revoked, suspended),
// 2^21 entries, and a new list once one is 80% allocated so random draws
// rarely collide.
const (
	ListBits    = 2
	ListSize    = 1 << 21
	FullPct     = 80
	maxDraws    = 32
	systemActor = "system:issuance"
)

// Formats of issued credentials, as Kredensial.Format records them.
const (
	FormatSDJWT = credlint.FormatSDJWT
	FormatCWT   = credlint.FormatCWT
)

// Keys is the part of the key store the issuer uses.
type Keys interface {
	// Active returns the key that signs.
	Active() kms.Key
	// Lookup returns a key by ID.
	Lookup(id string) (kms.Key, error)
}

var _ Keys = (*kms.FileStore)(nil)

// Issuer issues credentials and keeps their statuses.
type Issuer struct {
	Store     store.Store
	Keys      Keys
	Audit     *audit.Log
	Now       func() time.Time
	IssuerURL string
	// StatusURI returns the URI of a status list's token (its sub).
	StatusURI func(listID string) string
	// Validity is how long credentials are valid; shorter for a minor,
	// whose age booleans must not go stale (sdjwt.AgeClaimsChangeAt).
	Validity time.Duration
	// Portrait returns the resident's registry portrait, read through q:
	// the issuance's transaction. (Reading through the Store instead took a
	// second connection inside a transaction, which deadlocked a full
	// PostgreSQL pool under a burst of credential requests: issue 7.)
	Portrait func(ctx context.Context, q store.Queries, nik string) ([]byte, error)
	// Policy is what credlint enforces; zero fields take
	// credlint.DefaultPolicy.
	Policy credlint.Policy
	// Rand draws status indexes and credential IDs; crypto/rand when nil.
	Rand io.Reader

	mu      sync.Mutex
	cache   map[string]*cachedToken
	rebuild sync.Mutex    // held while a status list token is made
	changes atomic.Uint64 // status changes made through this Issuer
}

// Issued is one signed credential.
type Issued struct {
	Kredensial store.Kredensial
	Format     string // FormatSDJWT or FormatCWT
	Profile    string // the QR profile; "" for the SD-JWT VC
	Credential string // the SD-JWT VC issuance form (FormatSDJWT)
	CWT        []byte // the issuer CWT (FormatCWT)
}

// ErrLint wraps the credlint failures of a credential the issuer refused
// to sign.
var ErrLint = errors.New("issuance: credential failed lint")

func (is *Issuer) now() time.Time {
	if is.Now == nil {
		return time.Now().UTC()
	}
	return is.Now().UTC()
}

func (is *Issuer) rand() io.Reader {
	if is.Rand == nil {
		return cryptorand.Reader
	}
	return is.Rand
}

// job is one credential to issue: prepare encodes it with a signer (the
// throwaway one, for the lint) and returns the lint view, the
// to-be-signed bytes and a finish function that puts a real signature in.
type job struct {
	format, profile string
	prepare         func(signer crypto.Signer, id string, status credlint.Status) (*prepared, error)
}

type prepared struct {
	lint   credlint.Credential
	tbs    []byte
	finish func(rawSig []byte) (Issued, error)
}

// Kind names one credential of an issuance: its format and, for a QR
// CWT, its profile.
type Kind struct {
	Format  string // FormatSDJWT or FormatCWT
	Profile string // the QR profile; "" for the SD-JWT VC
}

// Kinds lists every credential Issue signs, in its order: the SD-JWT VC,
// then one QR CWT per profile in qrcred.Profiles order.
func Kinds() []Kind {
	out := []Kind{{Format: FormatSDJWT}}
	for _, p := range qrcred.Profiles {
		out = append(out, Kind{Format: FormatCWT, Profile: string(p)})
	}
	return out
}

// Errors of IssueKinds when the device may not get the credentials asked
// for; both are errs.Conflict and nothing was issued.
var (
	ErrAlreadyIssued = errs.New(errs.Conflict, "kredensial jenis ini sudah diterbitkan untuk perangkat ini",
		"a credential of this kind was already issued to this device")
	ErrNotValid = errs.New(errs.Conflict, "KTP digital perangkat ini ditangguhkan atau dicabut; tidak ada kredensial baru",
		"this device's digital ID is suspended or revoked; no new credentials are issued")
)

// Issue issues, inside tx, the SD-JWT VC and the three QR CWTs of resident
// p bound to the device dev (whose public key is devKey) for activation
// akt: IssueKinds with every kind.
func (is *Issuer) Issue(ctx context.Context, tx store.Tx, p store.Penduduk, dev store.Perangkat, devKey *ecdsa.PublicKey, akt store.Aktivasi) ([]Issued, error) {
	return is.IssueKinds(ctx, tx, p, dev, devKey, akt, Kinds())
}

// IssueKinds issues, inside tx, the credentials of kinds (in that order)
// to resident p's device dev (whose public key is devKey) for activation
// akt. A device holds at most one credential of each kind, and gets no
// new one once its credentials are suspended or revoked: then the error
// is ErrAlreadyIssued or ErrNotValid. Each credential is linted, stored
// and audited before the active key signs it; a lint failure returns an
// error wrapping ErrLint and credlint.Failures, and the caller's
// transaction must roll back.
func (is *Issuer) IssueKinds(ctx context.Context, tx store.Tx, p store.Penduduk, dev store.Perangkat, devKey *ecdsa.PublicKey, akt store.Aktivasi, kinds []Kind) ([]Issued, error) {
	return is.issueKinds(ctx, tx, p, dev, devKey, kinds, deviceKeeper(ctx, tx, akt))
}

// issueKinds is IssueKinds with the credentials kept by keep.
func (is *Issuer) issueKinds(ctx context.Context, tx store.Tx, p store.Penduduk, dev store.Perangkat, devKey *ecdsa.PublicKey, kinds []Kind, keep keeper) ([]Issued, error) {
	if err := is.checkIssue(p, dev, devKey, kinds); err != nil {
		return nil, err
	}
	if err := mayHold(ctx, tx, dev, kinds); err != nil {
		return nil, err
	}
	key := is.Keys.Active()
	signer := key.Signer()
	if signer == nil {
		return nil, errors.New("issuance: no active issuer key")
	}
	in, throwaway, err := is.input(ctx, tx, p, dev, devKey, key)
	if err != nil {
		return nil, err
	}
	list, err := is.currentList(ctx, tx)
	if err != nil {
		return nil, err
	}
	out := make([]Issued, 0, len(kinds))
	for _, k := range kinds {
		j := job{k.Format, k.Profile, in.sdjwtJob}
		if k.Format == FormatCWT {
			j.prepare = in.cwtJob(qrcred.Profile(k.Profile))
		}
		iss, err := is.issueOne(ctx, tx, j, in, list, throwaway, signer, key, keep)
		if err != nil {
			return nil, err
		}
		out = append(out, iss)
	}
	return out, nil
}

// checkIssue checks the Issuer's wiring and the request of IssueKinds.
func (is *Issuer) checkIssue(p store.Penduduk, dev store.Perangkat, devKey *ecdsa.PublicKey, kinds []Kind) error {
	if is.Store == nil || is.Keys == nil || is.Audit == nil || is.StatusURI == nil || is.Portrait == nil || is.IssuerURL == "" {
		return errors.New("issuance: Issuer needs Store, Keys, Audit, IssuerURL, StatusURI and Portrait")
	}
	if devKey == nil || dev.ID == 0 || dev.NIK != p.NIK {
		return errors.New("issuance: a device of the resident, with its key, is required")
	}
	for i, k := range kinds {
		if !slices.Contains(Kinds(), k) || slices.Contains(kinds[:i], k) {
			return fmt.Errorf("issuance: kind %+v is unknown or asked for twice", k)
		}
	}
	if p.StatusNIK != store.NIKAktif {
		return errs.Newf(errs.Invalid, "NIK berstatus %s: IKD hanya untuk NIK aktif",
			"the NIK is %s: a digital ID needs an active NIK", p.StatusNIK)
	}
	return nil
}

// mayHold refuses kinds the device already holds a credential of
// (ErrAlreadyIssued), and any new credential for a device whose
// credentials are not all valid (ErrNotValid). The caller holds the lock
// of the device's activation, which status changes take too (change), so
// a suspension cannot slip between this check and the new credential.
func mayHold(ctx context.Context, tx store.Tx, dev store.Perangkat, kinds []Kind) error {
	creds, current, err := currentStatuses(ctx, tx, dev)
	if err != nil {
		return err
	}
	for _, k := range creds {
		if !k.DigantiPada.IsZero() {
			continue // superseded by a re-issue
		}
		if slices.Contains(kinds, Kind{Format: k.Format, Profile: k.Profil}) {
			return ErrAlreadyIssued
		}
		if k.State == store.Terbit && current[k.ID] != store.StatusValid {
			return ErrNotValid
		}
	}
	return nil
}

// input gathers what every credential of one issuance shares, and the
// throwaway key whose signatures credlint reads.
func (is *Issuer) input(ctx context.Context, tx store.Tx, p store.Penduduk, dev store.Perangkat, devKey *ecdsa.PublicKey, key kms.Key) (jobInput, crypto.Signer, error) {
	qkid, err := qrcred.KeyID(key.Public)
	if err != nil {
		return jobInput{}, nil, fmt.Errorf("issuance: key id: %w", err)
	}
	iat := is.now().Truncate(time.Second)
	birth := p.TanggalLahir.UTC().Format(time.DateOnly)
	exp := iat.Add(is.Validity)
	change, err := sdjwt.AgeClaimsChangeAt(birth, iat)
	if err != nil {
		return jobInput{}, nil, fmt.Errorf("issuance: %w", err)
	}
	if !change.IsZero() && change.Before(exp) {
		exp = change.UTC()
	}
	portrait, err := is.Portrait(ctx, tx, p.NIK)
	if err != nil {
		return jobInput{}, nil, fmt.Errorf("issuance: portrait: %w", err)
	}
	// The throwaway key signs what credlint reads, so that the lint sees
	// the credential exactly as encoded (boulder's lint certificate).
	throwaway, err := ecdsa.GenerateKey(elliptic.P256(), cryptorand.Reader)
	if err != nil {
		return jobInput{}, nil, fmt.Errorf("issuance: throwaway key: %w", err)
	}
	in := jobInput{is: is, p: p, devID: dev.ID, devKey: devKey, iat: iat, exp: exp, birth: birth, portrait: portrait,
		kid: key.ID, qkid: qkid, throwaway: &throwaway.PublicKey}
	return in, throwaway, nil
}

// keeper is where issueOne keeps a credential's row (a device's
// kredensial, or a printed card's kartu_cetak) and the office, purpose and
// extra detail of its audit events.
type keeper struct {
	kantor, purpose string
	detail          map[string]any
	create          func(k *store.Kredensial) error // stores the DISIAPKAN row
	issued          func(id string) error           // marks it TERBIT
}

// deviceKeeper keeps the credentials of activation akt in kredensial.
func deviceKeeper(ctx context.Context, tx store.Tx, akt store.Aktivasi) keeper {
	return keeper{kantor: akt.KantorKode, purpose: "penerbitan IKD", detail: map[string]any{"aktivasi": akt.ID},
		create: func(k *store.Kredensial) error { return tx.CreateKredensial(ctx, k) },
		issued: func(id string) error { return tx.SetKredensialState(ctx, id, store.Terbit) }}
}

// issueOne runs boulder's steps for one credential.
func (is *Issuer) issueOne(ctx context.Context, tx store.Tx, j job, in jobInput, list store.StatusList,
	throwaway, signer crypto.Signer, key kms.Key, keep keeper) (Issued, error) {
	what := j.format + " " + j.profile
	listID := list.ID
	// 1. Reserve the credential ID and its status index.
	id, err := is.newID()
	if err != nil {
		return Issued{}, err
	}
	idx, err := is.allocate(ctx, tx, list, id)
	if err != nil {
		return Issued{}, err
	}
	status := credlint.Status{Idx: idx, URI: is.StatusURI(listID)}
	// 2. Build and encode the claims, signed by the throwaway key.
	prep, err := j.prepare(throwaway, id, status)
	if err != nil {
		return Issued{}, fmt.Errorf("issuance: prepare %s: %w", what, err)
	}
	// 3. Lint against the clock now; refuse to sign on any failure.
	if err := credlint.Check(&prep.lint, is.Policy, is.now()); err != nil {
		return Issued{}, fmt.Errorf("%w: %s: %w", ErrLint, what, err)
	}
	// 4. Store the exact to-be-signed bytes before the key sees them.
	k := store.Kredensial{
		ID: id, NIK: in.p.NIK, Format: j.format, Profil: j.profile, Kid: key.ID, PerangkatID: in.devID,
		StatusListID: listID, StatusIdx: idx, State: store.Disiapkan, TBS: prep.tbs, IssuedAt: in.iat, ExpiresAt: in.exp,
	}
	if err := keep.create(&k); err != nil {
		return Issued{}, fmt.Errorf("issuance: store %s: %w", what, err)
	}
	sum := sha256.Sum256(prep.tbs)
	detail := map[string]any{"kredensial": id, "format": j.format, "profil": j.profile, "kid": key.ID,
		"status_list": listID, "status_idx": idx, "tbs_sha256": hex.EncodeToString(sum[:])}
	maps.Copy(detail, keep.detail)
	// 5. Audit the intent to sign.
	if _, err := is.Audit.Record(ctx, tx, audit.Entry{Actor: systemActor, Kantor: keep.kantor,
		Action: "kredensial.siapkan", Subject: in.p.NIK, Purpose: keep.purpose, Detail: detail}); err != nil {
		return Issued{}, fmt.Errorf("issuance: audit: %w", err)
	}
	// 6. Sign exactly the stored bytes.
	raw, err := signRaw(signer, prep.tbs)
	if err != nil {
		return Issued{}, fmt.Errorf("issuance: sign %s: %w", what, err)
	}
	iss, err := prep.finish(raw)
	if err != nil {
		return Issued{}, fmt.Errorf("issuance: assemble %s: %w", what, err)
	}
	// 7. Mark it issued and audit the signature.
	if err := keep.issued(id); err != nil {
		return Issued{}, fmt.Errorf("issuance: mark %s issued: %w", what, err)
	}
	k.State = store.Terbit
	if _, err := is.Audit.Record(ctx, tx, audit.Entry{Actor: systemActor, Kantor: keep.kantor,
		Action: "kredensial.terbit", Subject: in.p.NIK, Purpose: keep.purpose, Detail: detail}); err != nil {
		return Issued{}, fmt.Errorf("issuance: audit: %w", err)
	}
	iss.Kredensial, iss.Format, iss.Profile = k, j.format, j.profile
	return iss, nil
}

// signRaw signs sha256(tbs) and returns the 64-byte r||s signature, after
// checking it with the signer's public key.
func signRaw(signer crypto.Signer, tbs []byte) ([]byte, error) {
	pub, ok := signer.Public().(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return nil, fmt.Errorf("issuer key is %T, want ECDSA P-256", signer.Public())
	}
	sum := sha256.Sum256(tbs)
	der, err := signer.Sign(cryptorand.Reader, sum[:], crypto.SHA256)
	if err != nil {
		return nil, err
	}
	if !ecdsa.VerifyASN1(pub, sum[:], der) {
		return nil, errors.New("the key's signature does not verify")
	}
	return jws.RawSignature(der)
}

// newID returns a random 128-bit credential ID, base64url.
func (is *Issuer) newID() (string, error) {
	b := make([]byte, 16)
	if _, err := io.ReadFull(is.rand(), b); err != nil {
		return "", fmt.Errorf("issuance: credential id: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// currentList returns the list new credentials go to, creating the first
// list, or the next when the newest is FullPct allocated.
func (is *Issuer) currentList(ctx context.Context, tx store.Tx) (store.StatusList, error) {
	lists, err := tx.ListStatusLists(ctx)
	if err != nil {
		return store.StatusList{}, fmt.Errorf("issuance: status lists: %w", err)
	}
	var newest *store.StatusList
	newestN := 0
	for i := range lists {
		if n, err := strconv.Atoi(lists[i].ID); err == nil && n > newestN {
			newest, newestN = &lists[i], n
		}
	}
	if newest != nil {
		_, allocated, err := tx.StatusEntries(ctx, newest.ID)
		if err != nil {
			return store.StatusList{}, fmt.Errorf("issuance: status list %s: %w", newest.ID, err)
		}
		if allocated*100 < newest.Size*FullPct {
			return *newest, nil
		}
	}
	l := store.StatusList{ID: strconv.Itoa(newestN + 1), Bits: ListBits, Size: ListSize}
	if err := tx.CreateStatusList(ctx, &l); err != nil {
		return store.StatusList{}, fmt.Errorf("issuance: create status list %s: %w", l.ID, err)
	}
	return l, nil
}

// allocate reserves a random free index of list for the credential id,
// drawing again when the index is taken.
func (is *Issuer) allocate(ctx context.Context, tx store.Tx, list store.StatusList, id string) (int, error) {
	for range maxDraws {
		n, err := cryptorand.Int(is.rand(), big.NewInt(int64(list.Size)))
		if err != nil {
			return 0, fmt.Errorf("issuance: draw status index: %w", err)
		}
		e := store.StatusEntry{ListID: list.ID, Idx: int(n.Int64()), Status: store.StatusValid, KredensialID: id}
		err = tx.AllocateStatus(ctx, &e)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("issuance: allocate status index: %w", err)
		}
		return e.Idx, nil
	}
	return 0, fmt.Errorf("issuance: no free status index in list %s after %d draws", list.ID, maxDraws)
}

// jobInput is what every credential of one issuance shares.
type jobInput struct {
	is        *Issuer
	p         store.Penduduk
	devID     int64
	devKey    *ecdsa.PublicKey
	iat, exp  time.Time
	birth     string
	portrait  []byte
	kid       string
	qkid      []byte
	throwaway *ecdsa.PublicKey
	printed   bool // a printed card: no device key, the cetak claim (cwtJob)
}

// KTPOf maps a resident to the digital KTP's claims.
func KTPOf(p store.Penduduk) sdjwt.KTP {
	k := sdjwt.KTP{
		NIK: p.NIK, Nama: p.Nama, TempatLahir: p.TempatLahir, TanggalLahir: p.TanggalLahir.UTC().Format(time.DateOnly),
		JenisKelamin: string(p.JenisKelamin), Agama: p.Agama, StatusPerkawinan: string(p.StatusKawin),
		Pekerjaan: p.Pekerjaan, Kewarganegaraan: p.Kewarganegaraan,
		Alamat: sdjwt.Alamat{Jalan: p.Alamat},
	}
	if p.GolonganDarah != "-" {
		k.GolonganDarah = p.GolonganDarah
	}
	if p.RT != "" || p.RW != "" {
		k.Alamat.RTRW = p.RT + "/" + p.RW
	}
	name := func(t wilayah.Tingkat) string {
		if p.DesaKode == "" {
			return ""
		}
		w, ok := wilayah.Default().Lookup(wilayah.Ancestor(p.DesaKode, t))
		if !ok {
			return ""
		}
		return w.Nama
	}
	k.Alamat.KelDesa, k.Alamat.Kecamatan = name(wilayah.Desa), name(wilayah.Kecamatan)
	// The kab/kota with its kind, as the card prints it: "Kota Bengkulu"
	// and "Kabupaten Bengkulu Utara" are different places.
	if kab := name(wilayah.KabKota); kab != "" {
		w, _ := wilayah.Default().Lookup(wilayah.Ancestor(p.DesaKode, wilayah.KabKota))
		k.Alamat.KabKota = w.Jenis + " " + kab
	}
	k.Alamat.Provinsi = name(wilayah.Provinsi)
	return k
}
