package ktpel

import (
	"context"
	"fmt"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/store"
)

// ActionSerahkan is the audit action of a card handed to its resident.
const ActionSerahkan = "ktpel.serahkan"

// ErrNotTheirs answers a card that is not the resident's.
var ErrNotTheirs = errs.New(errs.NotFound, "kartu itu bukan milik penduduk ini", "that card is not this resident's")

// Service records what officers do with physical cards.
type Service struct {
	Store store.Store
	Audit *audit.Log
}

// Handover records that officer p handed the printed card id to the
// resident with NIK n, of p's area: DICETAK to DISERAHKAN, audited.
func (s *Service) Handover(ctx context.Context, p store.Petugas, n string, id int64) error {
	err := s.Store.InTx(ctx, func(tx store.Tx) error {
		if _, err := kantor.Resident(ctx, tx, p.KantorKode, n); err != nil {
			return err
		}
		c, err := tx.UpdateKTPel(ctx, id, func(c *store.KTPel) error {
			if c.NIK != n {
				return ErrNotTheirs
			}
			return Move(c, store.Diserahkan)
		})
		if store.IsNotFound(err) {
			return ErrNotTheirs
		}
		if err != nil {
			return err
		}
		_, err = s.Audit.Record(ctx, tx, audit.Entry{Actor: p.Username, Kantor: p.KantorKode, Action: ActionSerahkan,
			Subject: n, Purpose: "penyerahan KTP-el", Detail: map[string]any{"blangko": c.BlangkoSerial}})
		return err
	})
	if err != nil {
		return fmt.Errorf("handover: %w", kantor.AuditRefusal(ctx, s.Store, s.Audit, kantor.Attempt{Action: "ktpel.ditolak",
			Petugas: p.Username, Kantor: p.KantorKode, NIK: n, Purpose: "penyerahan KTP-el"}, err))
	}
	return nil
}
