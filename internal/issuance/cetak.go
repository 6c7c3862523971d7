package issuance

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	cryptorand "crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
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
	pc, err := printedOf(ctx, tx, p.NIK)
	if err != nil {
		return PrintedCard{}, err
	}
	if d, err := digitalIDOf(ctx, tx, p.NIK, pc); err != nil {
		return PrintedCard{}, err
	} else if d.Status == "suspended" || d.Cetak.Status == "suspended" {
		return PrintedCard{}, ErrPrintSuspended
	}
	who := actor{by: r.Petugas, kantor: r.Kantor}
	replaced, err := is.changePrinted(ctx, tx, p.NIK, pc, store.StatusRevoked, ActionPrintRevoke, who, reasonReplaced)
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
	throwaway, err := ecdsa.GenerateKey(elliptic.P256(), cryptorand.Reader)
	if err != nil {
		return PrintedCard{}, fmt.Errorf("issuance: throwaway key: %w", err)
	}
	// Unlike a phone's credentials (input), exp is not cut at an age
	// boundary: the card carries no age claims and cannot be refreshed.
	iat := is.now().Truncate(time.Second)
	in := jobInput{is: is, p: p, iat: iat, exp: iat.Add(is.Validity), birth: p.TanggalLahir.UTC().Format(time.DateOnly),
		portrait: portrait, kid: key.ID, qkid: qkid, throwaway: &throwaway.PublicKey, printed: true}
	list, err := is.currentList(ctx, tx)
	if err != nil {
		return PrintedCard{}, err
	}
	keep := keeper{kantor: r.Kantor, purpose: purposePrint, detail: map[string]any{"kartu_cetak": true},
		create: func(k *store.Kredensial) error {
			return tx.CreateKartuCetak(ctx, &store.KartuCetak{ID: k.ID, NIK: k.NIK, Kid: k.Kid, StatusListID: k.StatusListID,
				StatusIdx: k.StatusIdx, State: k.State, TBS: k.TBS, Petugas: r.Petugas, KantorKode: r.Kantor,
				IssuedAt: k.IssuedAt, ExpiresAt: k.ExpiresAt})
		},
		issued: func(id string) error { return tx.SetKartuCetakState(ctx, id, store.Terbit) }}
	j := job{FormatCWT, string(qrcred.Foto), in.cwtJob(qrcred.Foto)}
	iss, err := is.issueOne(ctx, tx, j, in, list, throwaway, signer, key, keep)
	if err != nil {
		return PrintedCard{}, fmt.Errorf("issuance: printed card: %w", err)
	}
	text, err := qrcred.PrintedText(iss.CWT)
	if err != nil {
		return PrintedCard{}, fmt.Errorf("issuance: %w", err)
	}
	k := iss.Kredensial
	if _, err := is.Audit.Record(ctx, tx, audit.Entry{Actor: r.Petugas, Kantor: r.Kantor, Action: ActionPrint, Subject: p.NIK,
		Purpose: purposePrint, Detail: map[string]any{"kredensial": k.ID, "status_list": k.StatusListID, "status_idx": k.StatusIdx,
			"berlaku_sampai": in.exp.Format(time.RFC3339), "menggantikan": replaced}}); err != nil {
		return PrintedCard{}, fmt.Errorf("issuance: audit: %w", err)
	}
	return PrintedCard{ID: k.ID, CWT: iss.CWT, Text: text, Nama: p.Nama, NIK: p.NIK, Portrait: portrait,
		IssuedAt: in.iat, ExpiresAt: in.exp, Replaced: replaced}, nil
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
		pc, err := printedOf(ctx, tx, c.NIK)
		if err != nil {
			return err
		}
		n, err = is.changePrinted(ctx, tx, c.NIK, pc, store.StatusRevoked, ActionPrintRevoke, actor{by: c.Petugas, kantor: c.Kantor}, c.Alasan)
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

// printedCards are a resident's issued printed cards, oldest first, and
// their current statuses by ID: read once per transaction (printedOf) and
// used for both the state and the change.
type printedCards struct {
	cards   []store.KartuCetak
	current map[string]int
}

// printedOf reads the resident's issued printed cards and their statuses.
func printedOf(ctx context.Context, q store.Queries, n string) (printedCards, error) {
	cards, err := q.ListKartuCetak(ctx, n)
	if err != nil {
		return printedCards{}, fmt.Errorf("issuance: printed cards: %w", err)
	}
	pc := printedCards{current: map[string]int{}}
	for _, k := range cards {
		if k.State != store.Terbit {
			continue
		}
		e, err := q.GetStatusEntry(ctx, k.StatusListID, k.StatusIdx)
		if err != nil {
			return printedCards{}, fmt.Errorf("issuance: status of printed card %s: %w", k.ID, err)
		}
		pc.current[k.ID] = e.Status
		pc.cards = append(pc.cards, k)
	}
	return pc, nil
}

// changePrinted moves the printed cards pc (the resident n's, read in tx)
// to status to where allowed, with an audit event, and returns how many
// changed.
func (is *Issuer) changePrinted(ctx context.Context, tx store.Tx, n string, pc printedCards, to int, action string, who actor, reason string) (int, error) {
	entries := make([]string, len(pc.cards))
	for i, k := range pc.cards {
		entries[i] = k.ID
	}
	changed, err := is.setAll(ctx, tx, n, entries, pc.current, to, action, printedStatusListHint, who, reason, nil)
	return len(changed), err
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

// state is the state of the newest of pc.
func (pc printedCards) state() PrintedState {
	if len(pc.cards) == 0 {
		return PrintedState{Status: "none"}
	}
	k := pc.cards[len(pc.cards)-1]
	return PrintedState{Status: statusName(pc.current[k.ID]), ID: k.ID, IssuedAt: k.IssuedAt, ExpiresAt: k.ExpiresAt,
		Petugas: k.Petugas, Kantor: k.KantorKode}
}
