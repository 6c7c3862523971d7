// Package kunci changes the issuer's signing keys (rotate, withdraw) on an
// admin's behalf, from the console or the command line, and records each
// change in the audit log: a key change decides which credentials verify,
// so who made it and when is kept with everything else officers do.
//
// The key files change first and the audit event is written after: an
// event never claims a change that did not happen. Should the audit write
// fail after the keys changed, the error says so.
package kunci

import (
	"context"
	"fmt"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/kms"
	"github.com/ikd-project/ikd/internal/store"
)

// Audit actions of key changes.
const (
	ActionRotate   = "kunci.rotasi"
	ActionWithdraw = "kunci.tarik"
)

// Keys is the key store a Service changes.
type Keys interface {
	List() []kms.Key
	Rotate(validity time.Duration) (kms.Key, error)
	Withdraw(id string) error
}

var _ Keys = (*kms.FileStore)(nil)

// Service rotates and withdraws issuer keys, audited.
type Service struct {
	Keys  Keys
	Store store.Store
	Audit *audit.Log
	// MinVerify is the shortest time a retired key may keep verifying:
	// the lifetime of the credentials it signed.
	MinVerify time.Duration
}

// Actor is who changes a key: an officer (with their office) or a
// system actor such as "system:cli".
type Actor struct {
	Name   string
	Kantor string
	OSUser string // the operating-system account, from the command line
}

// Rotate makes a new signing key; the one it replaces keeps verifying for
// verifyFor, at least MinVerify.
func (s *Service) Rotate(ctx context.Context, a Actor, verifyFor time.Duration) (kms.Key, error) {
	if verifyFor < s.MinVerify {
		return kms.Key{}, errs.Newf(errs.Invalid,
			"masa verifikasi %s lebih pendek dari umur kredensial (%s): kredensial bertanda kunci lama akan gagal sebelum kedaluwarsa",
			"verify-for %s is shorter than a credential's lifetime (%s): credentials signed by the old key would stop verifying before they expire",
			verifyFor, s.MinVerify)
	}
	old := active(s.Keys.List())
	k, err := s.Keys.Rotate(verifyFor)
	if err != nil {
		return kms.Key{}, fmt.Errorf("rotate issuer key: %w", err)
	}
	detail := map[string]any{"kunci_baru": k.ID, "kunci_lama": old, "verifikasi_hingga": k.Created.Add(verifyFor)}
	if err := s.record(ctx, a, ActionRotate, detail); err != nil {
		return k, fmt.Errorf("key %s now signs, but its audit event was not written: %w", k.ID, err)
	}
	return k, nil
}

// Withdraw stops retired key id from verifying anything (a compromised
// key).
func (s *Service) Withdraw(ctx context.Context, a Actor, id string) error {
	if err := withdrawable(s.Keys.List(), id); err != nil {
		return err
	}
	if err := s.Keys.Withdraw(id); err != nil {
		return fmt.Errorf("withdraw issuer key: %w", err)
	}
	if err := s.record(ctx, a, ActionWithdraw, map[string]any{"kunci": id}); err != nil {
		return fmt.Errorf("key %s is withdrawn, but its audit event was not written: %w", id, err)
	}
	return nil
}

func (s *Service) record(ctx context.Context, a Actor, action string, detail map[string]any) error {
	if a.OSUser != "" {
		detail["os_user"] = a.OSUser
	}
	return s.Store.InTx(ctx, func(tx store.Tx) error {
		_, err := s.Audit.Record(ctx, tx, audit.Entry{Actor: a.Name, Kantor: a.Kantor, Action: action,
			Purpose: "pengelolaan kunci penerbit", Detail: detail})
		return err
	})
}

// withdrawable refuses to withdraw a key that is not in keys, the signing
// key, or one already withdrawn.
func withdrawable(keys []kms.Key, id string) error {
	for _, k := range keys {
		if k.ID != id {
			continue
		}
		switch k.State {
		case kms.Active:
			return errs.Newf(errs.Invalid, "kunci %s sedang menandatangani; ganti kunci (rotate) sebelum menariknya",
				"key %s is the signing key; rotate before withdrawing it", id)
		case kms.Withdrawn:
			return errs.Newf(errs.Conflict, "kunci %s sudah ditarik", "key %s is already withdrawn", id)
		}
		return nil
	}
	return errs.Newf(errs.NotFound, "tidak ada kunci %s", "no key %s", id)
}

// active is the ID of the signing key in keys, "" for none.
func active(keys []kms.Key) string {
	for _, k := range keys {
		if k.State == kms.Active {
			return k.ID
		}
	}
	return ""
}
