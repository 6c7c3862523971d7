// Package ktpel holds the rules of the physical e-KTP card (KTP-el): the
// states a card moves through and which moves are allowed.
//
//	DICETAK (printed) ──> DISERAHKAN (handed over) ──> HILANG (lost) ──> DIGANTI (replaced)
//	   │                        └──────────────────> RUSAK (damaged) ─┘
//	   └──> RUSAK (spoiled before handover)
//
// A lost card that turns up stays lost: its replacement may already be
// printed, and the card is valid for life, so only the newest card counts.
package ktpel

import (
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/store"
)

var next = map[store.StatusKTPel][]store.StatusKTPel{
	store.Dicetak:    {store.Diserahkan, store.Rusak},
	store.Diserahkan: {store.Hilang, store.Rusak},
	store.Hilang:     {store.Diganti},
	store.Rusak:      {store.Diganti},
}

// CanMove reports whether a card may go from one state to another.
func CanMove(from, to store.StatusKTPel) bool {
	for _, s := range next[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Move changes c's state to to, or returns an Invalid error that says which
// moves are allowed from its current state.
func Move(c *store.KTPel, to store.StatusKTPel) error {
	if !CanMove(c.Status, to) {
		return errs.Newf(errs.Invalid, "status kartu tidak dapat diubah dari %s ke %s", "a card cannot go from %s to %s",
			c.Status, to)
	}
	c.Status = to
	return nil
}
