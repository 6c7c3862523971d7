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
	"slices"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/credlint"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred/foto"
	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/store"
)

// Assisted mode: a resident with no smartphone gets a printed card, a
// foto QR credential with no device binding (qrcred's cetak claim). It is
// signed like every other credential (boulder's steps: status index,
// lint, stored to-be-signed bytes, audit, then the key), keeps its own
// status list entry, and is revoked with the resident's digital ID or on
// its own (RevokePrinted). A resident holds one live printed card: a new
// print revokes the earlier ones. The signed card is not stored: it is a
// bearer credential, held only on the paper.

// Audit actions of printed cards.
const (
	ActionPrint           = "kartu_cetak.cetak"      // an officer printed a card for a resident
	ActionPrintRevoke     = "kartu_cetak.cabut"      // a printed card revoked
	ActionPrintSuspend    = "kartu_cetak.tangguhkan" // suspended with the digital ID
	ActionPrintUnsuspend  = "kartu_cetak.pulihkan"   // lifted with the digital ID
	ActionPrintRefused    = "kartu_cetak.ditolak"    // refused: the resident is not in the officer's area
	purposePrint          = "kartu cetak (mode bantuan)"
	reasonReplaced        = "diganti_kartu_baru"
	printedStatusListHint = "status kartu cetak"
)

// PrintedReasons are the reasons an officer may give to revoke a printed
// card on its own (RevokePrinted).
var PrintedReasons = []Reason{
	{"kartu_hilang", "kartu cetak hilang atau dicuri", "the printed card was lost or stolen", []Action{Cabut}},
	{"kartu_rusak", "kartu cetak rusak", "the printed card is damaged", []Action{Cabut}},
	{"permintaan_penduduk", "atas permintaan penduduk", "at the resident's request", []Action{Cabut}},
	{"kesalahan_data", "data pada kartu cetak salah", "the data on the printed card is wrong", []Action{Cabut}},
	{"dugaan_penyalahgunaan", "dugaan penyalahgunaan", "suspected misuse", []Action{Cabut}},
}

// Errors of PrintCard and RevokePrinted.
var (
	ErrNoPrintedCard = errs.New(errs.Conflict, "penduduk ini tidak punya kartu cetak yang berlaku; tidak ada yang dicabut",
		"this resident has no live printed card; nothing was revoked")
	ErrPrintSuspended = errs.New(errs.Conflict, "KTP digital penduduk ini ditangguhkan: pulihkan dulu sebelum mencetak kartu",
		"this resident's digital ID is suspended: lift the suspension before printing a card")
)

// PrintRequest is an officer's request to print a resident's card.
type PrintRequest struct {
	NIK     string
	Petugas string // the officer's username
	Kantor  string // the officer's office code
}

// PrintedCard is a signed printed card, ready to lay out (package
// kartucetak): the issuer CWT, its QR text, and what the card shows.
type PrintedCard struct {
	ID        string // the credential ID (cti), base64url
	CWT       []byte // the issuer CWT
	Text      string // the QR text: qrcred.PrintedText of CWT
	Nama      string
	NIK       string
	Portrait  []byte // the registry portrait, for the card's photo
	IssuedAt  time.Time
	ExpiresAt time.Time
	Replaced  int // earlier printed cards this one revoked
}

// PrintCard issues a printed card for the resident, as the officer, in
// one transaction with its audit events: the kredensial.siapkan and
// kredensial.terbit of every issuance, and kartu_cetak.cetak (who printed
// for whom, at which office). Earlier live printed cards of the resident
// are revoked (kartu_cetak.cabut, reason diganti_kartu_baru). The officer
// may print only for residents of their office's area, as for an
// activation: others, and an unknown NIK, answer a *kantor.Refusal, and
// the refused attempt is audited as kartu_cetak.ditolak. A NIK that is
// not active, or a digital ID that is suspended, is refused (errs).
func (is *Issuer) PrintCard(ctx context.Context, r PrintRequest) (PrintedCard, error) {
	if is.Store == nil || is.Keys == nil || is.Audit == nil || is.StatusURI == nil || is.Portrait == nil || is.IssuerURL == "" {
		return PrintedCard{}, errors.New("issuance: Issuer needs Store, Keys, Audit, IssuerURL, StatusURI and Portrait")
	}
	r.NIK = strings.TrimSpace(r.NIK)
	if _, err := nik.Parse(r.NIK); err != nil {
		return PrintedCard{}, err
	}
	var out PrintedCard
	err := is.Store.InTx(ctx, func(tx store.Tx) error {
		var err error
		out, err = is.printIn(ctx, tx, r)
		return err
	})
	if err != nil {
		return PrintedCard{}, kantor.AuditRefusal(ctx, is.Store, is.Audit, kantor.Attempt{Action: ActionPrintRefused,
			Petugas: r.Petugas, Kantor: r.Kantor, NIK: r.NIK, Purpose: purposePrint}, err)
	}
	return out, nil
}

func (is *Issuer) printIn(ctx context.Context, tx store.Tx, r PrintRequest) (PrintedCard, error) {
	p, err := kantor.Resident(ctx, tx, r.Kantor, r.NIK)
	if err != nil {
		return PrintedCard{}, fmt.Errorf("issuance: %w", err)
	}
	if p.StatusNIK != store.NIKAktif {
		return PrintedCard{}, errs.Newf(errs.Invalid, "NIK berstatus %s: kartu cetak hanya untuk NIK aktif",
			"the NIK is %s: a printed card needs an active NIK", p.StatusNIK)
	}
	if d, err := DigitalIDOf(ctx, tx, p.NIK); err != nil {
		return PrintedCard{}, err
	} else if d.Status == "suspended" || d.Cetak.Status == "suspended" {
		return PrintedCard{}, ErrPrintSuspended
	}
	who := actor{by: r.Petugas, kantor: r.Kantor}
	replaced, err := is.changePrinted(ctx, tx, p.NIK, store.StatusRevoked, ActionPrintRevoke, who, reasonReplaced)
	if err != nil {
		return PrintedCard{}, err
	}
	key := is.Keys.Active()
	signer := key.Signer()
	if signer == nil {
		return PrintedCard{}, errors.New("issuance: no active issuer key")
	}
	qkid, err := qrcred.KeyID(key.Public)
	if err != nil {
		return PrintedCard{}, fmt.Errorf("issuance: key id: %w", err)
	}
	portrait, err := is.Portrait(ctx, tx, p.NIK)
	if err != nil {
		return PrintedCard{}, fmt.Errorf("issuance: portrait: %w", err)
	}
	thumb, err := foto.Thumbnail(portrait)
	if err != nil {
		return PrintedCard{}, fmt.Errorf("issuance: thumbnail: %w", err)
	}
	throwaway, err := ecdsa.GenerateKey(elliptic.P256(), cryptorand.Reader)
	if err != nil {
		return PrintedCard{}, fmt.Errorf("issuance: throwaway key: %w", err)
	}
	iat := is.now().Truncate(time.Second)
	exp := iat.Add(is.Validity)
	birth := p.TanggalLahir.UTC().Format(time.DateOnly)
	list, err := is.currentList(ctx, tx)
	if err != nil {
		return PrintedCard{}, err
	}
	// 1. Reserve the credential ID and its status index.
	id, err := is.newID()
	if err != nil {
		return PrintedCard{}, err
	}
	idx, err := is.allocate(ctx, tx, list, id)
	if err != nil {
		return PrintedCard{}, err
	}
	cti, _ := base64.RawURLEncoding.DecodeString(id)
	claims := qrcred.Claims{
		Issuer: is.IssuerURL, CTI: cti, IAT: iat, Exp: exp, Printed: true,
		Status: qrcred.Status{Idx: uint64(idx), URI: is.StatusURI(list.ID)},
		Resident: qrcred.Resident{Nama: p.Nama, NIK: p.NIK, TanggalLahir: birth, JenisKelamin: string(p.JenisKelamin),
			Portrait: portrait, Foto: thumb},
	}
	// 2. Encode the claims, signed by the throwaway key, and read them back.
	draft, err := qrcred.Issue(throwaway, qkid, claims, qrcred.Foto)
	if err != nil {
		return PrintedCard{}, fmt.Errorf("issuance: prepare printed card: %w", err)
	}
	cred, err := qrcred.ParseIssued(draft, func([]byte) (crypto.PublicKey, bool) { return &throwaway.PublicKey, true })
	if err != nil {
		return PrintedCard{}, fmt.Errorf("issuance: read back printed card: %w", err)
	}
	// 3. Lint; refuse to sign on any failure.
	lc := credlint.Credential{
		Format: credlint.FormatCWT, Profile: string(cred.Profile), Issuer: cred.Issuer, IssuedAt: cred.IAT, Expiry: cred.Exp,
		HolderKey: cred.DeviceKey != nil, Printed: cred.Printed,
		Status: &credlint.Status{Idx: int(cred.Status.Idx), URI: cred.Status.URI},
		Claims: cred.Claims.Named(), BirthDate: birth, Size: len(draft),
	}
	if err := credlint.Check(&lc, is.Policy, is.now()); err != nil {
		return PrintedCard{}, fmt.Errorf("%w: printed card: %w", ErrLint, err)
	}
	msg, err := decodeSign1(draft)
	if err != nil {
		return PrintedCard{}, err
	}
	if again, err := msg.marshal(); err != nil || string(again) != string(draft) {
		return PrintedCard{}, fmt.Errorf("issuance: COSE_Sign1 does not re-encode identically (%v)", err)
	}
	tbs, err := sigStructure(msg)
	if err != nil {
		return PrintedCard{}, err
	}
	// 4. Store the exact to-be-signed bytes before the key sees them.
	k := store.KartuCetak{ID: id, NIK: p.NIK, Kid: key.ID, StatusListID: list.ID, StatusIdx: idx, State: store.Disiapkan,
		TBS: tbs, Petugas: r.Petugas, KantorKode: r.Kantor, IssuedAt: iat, ExpiresAt: exp}
	if err := tx.CreateKartuCetak(ctx, &k); err != nil {
		return PrintedCard{}, fmt.Errorf("issuance: store printed card: %w", err)
	}
	sum := sha256.Sum256(tbs)
	detail := map[string]any{"kredensial": id, "format": FormatCWT, "profil": string(qrcred.Foto), "kartu_cetak": true,
		"kid": key.ID, "status_list": list.ID, "status_idx": idx, "tbs_sha256": hex.EncodeToString(sum[:])}
	// 5. Audit the intent to sign.
	if _, err := is.Audit.Record(ctx, tx, audit.Entry{Actor: systemActor, Kantor: r.Kantor,
		Action: "kredensial.siapkan", Subject: p.NIK, Purpose: purposePrint, Detail: detail}); err != nil {
		return PrintedCard{}, fmt.Errorf("issuance: audit: %w", err)
	}
	// 6. Sign exactly the stored bytes.
	raw, err := signRaw(signer, tbs)
	if err != nil {
		return PrintedCard{}, fmt.Errorf("issuance: sign printed card: %w", err)
	}
	signed := *msg
	signed.Signature = raw
	cwt, err := signed.marshal()
	if err != nil {
		return PrintedCard{}, fmt.Errorf("issuance: assemble printed card: %w", err)
	}
	text, err := qrcred.PrintedText(cwt)
	if err != nil {
		return PrintedCard{}, fmt.Errorf("issuance: %w", err)
	}
	// 7. Mark it issued; audit the signature and the print.
	if err := tx.SetKartuCetakState(ctx, id, store.Terbit); err != nil {
		return PrintedCard{}, fmt.Errorf("issuance: mark printed card issued: %w", err)
	}
	if _, err := is.Audit.Record(ctx, tx, audit.Entry{Actor: systemActor, Kantor: r.Kantor,
		Action: "kredensial.terbit", Subject: p.NIK, Purpose: purposePrint, Detail: detail}); err != nil {
		return PrintedCard{}, fmt.Errorf("issuance: audit: %w", err)
	}
	if _, err := is.Audit.Record(ctx, tx, audit.Entry{Actor: r.Petugas, Kantor: r.Kantor, Action: ActionPrint, Subject: p.NIK,
		Purpose: purposePrint, Detail: map[string]any{"kredensial": id, "status_list": list.ID, "status_idx": idx,
			"berlaku_sampai": exp.Format(time.RFC3339), "menggantikan": replaced}}); err != nil {
		return PrintedCard{}, fmt.Errorf("issuance: audit: %w", err)
	}
	return PrintedCard{ID: id, CWT: cwt, Text: text, Nama: p.Nama, NIK: p.NIK, Portrait: portrait,
		IssuedAt: iat, ExpiresAt: exp, Replaced: replaced}, nil
}

// sigStructure is the COSE Sig_structure the issuer key signs.
func sigStructure(m *coseSign1) ([]byte, error) {
	return cbor.Marshal([]any{"Signature1", m.Protected, []byte{}, m.Payload})
}

// PrintedRevoke is an officer's request to revoke a resident's printed
// card on its own ("cabut kartu cetak"); the digital ID on a phone, if
// any, stays as it is.
type PrintedRevoke struct {
	NIK     string
	Alasan  string // a PrintedReasons code
	Petugas string
	Kantor  string
}

// RevokePrinted revokes the resident's live printed cards for an officer
// of the resident's area, with an audit event, and returns how many it
// revoked: ErrNoPrintedCard when none was live. Refusals are audited as
// for PrintCard.
func (is *Issuer) RevokePrinted(ctx context.Context, c PrintedRevoke) (int, error) {
	c.NIK = strings.TrimSpace(c.NIK)
	if _, err := nik.Parse(c.NIK); err != nil {
		return 0, err
	}
	if !slices.ContainsFunc(PrintedReasons, func(r Reason) bool { return r.Code == c.Alasan }) {
		var codes []string
		for _, r := range PrintedReasons {
			codes = append(codes, r.Code)
		}
		return 0, errs.Newf(errs.Invalid, "alasan wajib salah satu dari: %s", "the reason must be one of: %s", strings.Join(codes, ", "))
	}
	var n int
	err := is.Store.InTx(ctx, func(tx store.Tx) error {
		if _, err := kantor.Resident(ctx, tx, c.Kantor, c.NIK); err != nil {
			return fmt.Errorf("issuance: %w", err)
		}
		var err error
		n, err = is.changePrinted(ctx, tx, c.NIK, store.StatusRevoked, ActionPrintRevoke, actor{by: c.Petugas, kantor: c.Kantor}, c.Alasan)
		if err == nil && n == 0 {
			return ErrNoPrintedCard
		}
		return err
	})
	if err != nil {
		return 0, kantor.AuditRefusal(ctx, is.Store, is.Audit, kantor.Attempt{Action: ActionPrintRefused,
			Petugas: c.Petugas, Kantor: c.Kantor, NIK: c.NIK, Purpose: "cabut kartu cetak",
			Detail: map[string]any{"alasan": c.Alasan}}, err)
	}
	return n, nil
}

// printedStatuses returns the resident's issued printed cards and their
// current statuses by ID.
func printedStatuses(ctx context.Context, q store.Queries, n string) ([]store.KartuCetak, map[string]int, error) {
	cards, err := q.ListKartuCetak(ctx, n)
	if err != nil {
		return nil, nil, fmt.Errorf("issuance: printed cards: %w", err)
	}
	current := map[string]int{}
	var issued []store.KartuCetak
	for _, k := range cards {
		if k.State != store.Terbit {
			continue
		}
		e, err := q.GetStatusEntry(ctx, k.StatusListID, k.StatusIdx)
		if err != nil {
			return nil, nil, fmt.Errorf("issuance: status of printed card %s: %w", k.ID, err)
		}
		current[k.ID] = e.Status
		issued = append(issued, k)
	}
	return issued, current, nil
}

// changePrinted moves the resident's issued printed cards to status to
// where allowed, with an audit event, and returns how many changed.
func (is *Issuer) changePrinted(ctx context.Context, tx store.Tx, n string, to int, action string, who actor, reason string) (int, error) {
	cards, current, err := printedStatuses(ctx, tx, n)
	if err != nil {
		return 0, err
	}
	var changed []string
	lists := map[string]bool{}
	for _, k := range cards {
		if !allowed(current[k.ID], to) {
			continue
		}
		if err := tx.SetStatus(ctx, k.ID, to); err != nil {
			return 0, fmt.Errorf("issuance: set status: %w", err)
		}
		changed = append(changed, k.ID)
		lists[k.StatusListID] = true
	}
	if len(changed) == 0 {
		return 0, nil
	}
	if _, err := is.Audit.Record(ctx, tx, audit.Entry{Actor: who.by, Kantor: who.kantor, Action: action, Subject: n,
		Purpose: printedStatusListHint, Detail: who.detail(map[string]any{"kredensial": changed, "status": to, "alasan": reason})}); err != nil {
		return 0, fmt.Errorf("issuance: audit: %w", err)
	}
	for id := range lists {
		is.invalidate(id)
	}
	return len(changed), nil
}

// PrintedState is the state of a resident's newest printed card.
type PrintedState struct {
	// Status is "none" (never printed), "valid", "suspended" or "revoked".
	Status    string
	ID        string
	IssuedAt  time.Time
	ExpiresAt time.Time
	Petugas   string
	Kantor    string
}

// printedStateOf reads the state of the resident's newest printed card.
func printedStateOf(ctx context.Context, q store.Queries, n string) (PrintedState, error) {
	cards, current, err := printedStatuses(ctx, q, n)
	if err != nil || len(cards) == 0 {
		return PrintedState{Status: "none"}, err
	}
	k := cards[len(cards)-1]
	return PrintedState{Status: statusName(current[k.ID]), ID: k.ID, IssuedAt: k.IssuedAt, ExpiresAt: k.ExpiresAt,
		Petugas: k.Petugas, Kantor: k.KantorKode}, nil
}
