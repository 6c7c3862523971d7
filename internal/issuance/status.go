package issuance

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/statuslist"
	"github.com/ikd-project/ikd/internal/store"
)

// Revoke revokes, for good, every issued credential of the resident's
// active device (status 1), with an audit event, and returns how many
// changed. Credentials of earlier devices were revoked when those devices
// were released.
func (is *Issuer) Revoke(ctx context.Context, tx store.Tx, nik, reason string) (int, error) {
	return is.change(ctx, tx, nik, store.StatusRevoked, "kredensial.cabut", actor{by: systemActor}, reason)
}

// Suspend suspends the valid credentials of the resident's active device
// (status 2); revoked ones stay revoked.
func (is *Issuer) Suspend(ctx context.Context, tx store.Tx, nik, reason string) (int, error) {
	return is.change(ctx, tx, nik, store.StatusSuspended, "kredensial.tangguhkan", actor{by: systemActor}, reason)
}

// Unsuspend makes the suspended credentials of the resident's active device
// valid again (status 0); revoked ones stay revoked.
func (is *Issuer) Unsuspend(ctx context.Context, tx store.Tx, nik, reason string) (int, error) {
	return is.change(ctx, tx, nik, store.StatusValid, "kredensial.pulihkan", actor{by: systemActor}, reason)
}

// ReleaseDevice releases the resident's active device (a lost phone or a
// new one), revoking its credentials at once, as officer by at office
// kantor.
func (is *Issuer) ReleaseDevice(ctx context.Context, tx store.Tx, nik, by, kantor string) error {
	_, err := is.releaseDevice(ctx, tx, nik, actor{by: by, kantor: kantor}, "perangkat dilepas")
	return err
}

// releaseDevice is ReleaseDevice with the reason recorded; it returns how
// many credentials it revoked.
func (is *Issuer) releaseDevice(ctx context.Context, tx store.Tx, nik string, who actor, reason string) (int, error) {
	dev, err := tx.GetPerangkatAktif(ctx, nik)
	if err != nil {
		return 0, fmt.Errorf("issuance: active device: %w", err)
	}
	n, err := is.change(ctx, tx, nik, store.StatusRevoked, "kredensial.cabut", who, reason)
	if err != nil {
		return 0, err
	}
	if err := tx.ReleasePerangkat(ctx, dev.ID, is.now()); err != nil {
		return 0, fmt.Errorf("issuance: release device: %w", err)
	}
	_, err = is.Audit.Record(ctx, tx, audit.Entry{Actor: who.by, Kantor: who.kantor, Action: "perangkat.lepas", Subject: nik,
		Purpose: "pelepasan perangkat", Detail: who.detail(map[string]any{"perangkat": dev.ID, "alasan": reason})})
	if err != nil {
		return 0, fmt.Errorf("issuance: audit: %w", err)
	}
	return n, nil
}

// allowed reports whether an entry may move from status from to to:
// revocation is final, suspension applies to valid entries and lifting it
// to suspended ones.
func allowed(from, to int) bool {
	switch to {
	case store.StatusRevoked:
		return from != store.StatusRevoked
	case store.StatusSuspended:
		return from == store.StatusValid
	case store.StatusValid:
		return from == store.StatusSuspended
	}
	return false
}

// actor is who a status change is recorded under in the audit log.
type actor struct {
	by, kantor string // the officer (or system component) and their office
	osUser     string // the OS account that ran the CLI, "" otherwise
}

// detail adds the OS account, when known, to an audit event's detail.
func (a actor) detail(d map[string]any) map[string]any {
	if a.osUser != "" {
		d["pengguna_os"] = a.osUser
	}
	return d
}

// change moves the issued credentials of the resident's active device to
// status to, with an audit event, and returns how many changed.
func (is *Issuer) change(ctx context.Context, tx store.Tx, nik string, to int, action string, who actor, reason string) (int, error) {
	dev, err := tx.GetPerangkatAktif(ctx, nik)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("issuance: active device: %w", err)
	}
	if err := lockActivation(ctx, tx, dev); err != nil {
		return 0, err
	}
	creds, current, err := currentStatuses(ctx, tx, dev)
	if err != nil {
		return 0, err
	}
	var entries []string
	for _, k := range creds {
		if k.State == store.Terbit && k.DigantiPada.IsZero() {
			entries = append(entries, k.ID)
		}
	}
	changed, err := is.setAll(ctx, tx, nik, entries, current, to, action, "status kredensial", who, reason, nil)
	return len(changed), err
}

// setAll moves the credentials (a device's, or printed cards) whose
// current status (current[id], valid when absent) allows it to status to, calls also (when not nil) for each,
// records one audit event of action with the changed IDs and returns
// them.
func (is *Issuer) setAll(ctx context.Context, tx store.Tx, nik string, ids []string, current map[string]int, to int,
	action, purpose string, who actor, reason string, also func(id string) error) ([]string, error) {
	var changed []string
	for _, id := range ids {
		if !allowed(current[id], to) {
			continue
		}
		if err := tx.SetStatus(ctx, id, to); err != nil {
			return nil, fmt.Errorf("issuance: set status: %w", err)
		}
		if also != nil {
			if err := also(id); err != nil {
				return nil, fmt.Errorf("issuance: %w", err)
			}
		}
		changed = append(changed, id)
	}
	if len(changed) == 0 {
		return nil, nil
	}
	if _, err := is.Audit.Record(ctx, tx, audit.Entry{Actor: who.by, Kantor: who.kantor, Action: action, Subject: nik,
		Purpose: purpose, Detail: who.detail(map[string]any{"kredensial": changed, "status": to, "alasan": reason})}); err != nil {
		return nil, fmt.Errorf("issuance: audit: %w", err)
	}
	// The lists' tokens follow their versions (PublishToken); the trust
	// list's cache counts the change.
	is.changes.Add(1)
	return changed, nil
}

// lockActivation locks the activation that bound dev until tx ends. A
// credential request of that activation holds the same lock while it
// checks the device's statuses and issues (IssueKinds), so a status change
// and a late credential of the same device never interleave: the change
// sees the new credential, or the request sees the change.
func lockActivation(ctx context.Context, tx store.Tx, dev store.Perangkat) error {
	if dev.AktivasiID == "" {
		return nil
	}
	_, err := tx.UpdateAktivasi(ctx, dev.AktivasiID, func(*store.Aktivasi) error { return nil })
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("issuance: lock activation %s: %w", dev.AktivasiID, err)
	}
	return nil
}

// currentStatuses returns a device's credentials and their non-zero
// statuses by kredensial ID, reading each credential's own entry.
func currentStatuses(ctx context.Context, tx store.Queries, dev store.Perangkat) ([]store.Kredensial, map[string]int, error) {
	creds, err := tx.ListKredensialPerangkat(ctx, dev.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("issuance: credentials: %w", err)
	}
	current := map[string]int{}
	for _, k := range creds {
		e, err := tx.GetStatusEntry(ctx, k.StatusListID, k.StatusIdx)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("issuance: status of %s: %w", k.ID, err)
		}
		if e.KredensialID == k.ID && e.Status != 0 {
			current[k.ID] = e.Status
		}
	}
	return creds, current, nil
}

// cachedToken is a signed status list token and what it was made from.
type cachedToken struct {
	token     string
	kid       string
	version   int64     // the list's version read before its entries
	refreshAt time.Time // half-way from iat to exp
}

// Changes counts the status changes made through this Issuer (in this
// process), so that a cache of what the statuses go into can tell it is
// out of date without asking the database. It grows when a change is made
// inside its transaction, before the commit: a cache refilled in between
// may still miss the change, and changes by other processes are not
// counted at all, so such a cache must also expire on its own.
func (is *Issuer) Changes() uint64 { return is.changes.Load() }

// EntryStatus returns the status of entry idx of the status list at uri,
// as committed in the database now, for an online verification
// (verify.Options.EntryStatus). ok is false for a URI not of this issuer
// or an index not allocated.
func (is *Issuer) EntryStatus(ctx context.Context, uri string, idx uint64) (statuslist.Status, bool, error) {
	prefix := is.StatusURI("")
	listID, ours := strings.CutPrefix(uri, prefix)
	if !ours || listID == "" || strings.Contains(listID, "/") || idx > math.MaxInt32 {
		return 0, false, nil
	}
	e, err := is.Store.GetStatusEntry(ctx, listID, int(idx))
	if errors.Is(err, store.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("issuance: status entry: %w", err)
	}
	return statuslist.Status(e.Status), true, nil
}

// PublishToken returns the signed status list token of a list (sub = the
// list's URI, exp = now + ttl, ttl/2 as the caching hint). The token is
// kept in memory and returned again until it is half-way to its expiry,
// the active key changes, or the list's version in the database changes
// (every status change adds one, whichever instance makes it): a call
// reads only the lists' rows, and the entries when it rebuilds. One
// rebuild runs at a time; callers that waited for it take its token.
func (is *Issuer) PublishToken(ctx context.Context, listID string, ttl time.Duration) (string, error) {
	if ttl < 2*time.Second {
		return "", errors.New("issuance: status list ttl must be at least 2s")
	}
	meta, err := is.statusList(ctx, listID)
	if err != nil {
		return "", err
	}
	key := is.Keys.Active()
	now := is.now().Truncate(time.Second)
	if tok, ok := is.cachedToken(listID, meta.Version, key.ID, now); ok {
		return tok, nil
	}
	is.rebuild.Lock()
	defer is.rebuild.Unlock()
	if tok, ok := is.cachedToken(listID, meta.Version, key.ID, now); ok {
		return tok, nil // made while this call waited
	}
	signer := key.Signer()
	if signer == nil {
		return "", errors.New("issuance: no active issuer key")
	}
	nonzero, _, err := is.Store.StatusEntries(ctx, listID)
	if err != nil {
		return "", fmt.Errorf("issuance: status list %s: %w", listID, err)
	}
	l, err := statuslist.New(meta.Size, meta.Bits)
	if err != nil {
		return "", fmt.Errorf("issuance: status list %s: %w", listID, err)
	}
	for _, e := range nonzero {
		if err := l.Set(e.Idx, statuslist.Status(e.Status)); err != nil {
			return "", fmt.Errorf("issuance: status list %s index %d: %w", listID, e.Idx, err)
		}
	}
	tok, err := statuslist.SignToken(signer, key.ID, statuslist.Token{
		Subject: is.StatusURI(listID), Issuer: is.IssuerURL, IssuedAt: now, Expiry: now.Add(ttl),
		TTL: (ttl / 2).Truncate(time.Second), List: l,
	})
	if err != nil {
		return "", fmt.Errorf("issuance: sign status list %s: %w", listID, err)
	}
	is.mu.Lock()
	if is.cache == nil {
		is.cache = map[string]*cachedToken{}
	}
	is.cache[listID] = &cachedToken{token: tok, kid: key.ID, version: meta.Version, refreshAt: now.Add(ttl / 2)}
	is.mu.Unlock()
	return tok, nil
}

// statusList returns a list's row; ErrNotFound for an unknown list.
func (is *Issuer) statusList(ctx context.Context, listID string) (store.StatusList, error) {
	lists, err := is.Store.ListStatusLists(ctx)
	if err != nil {
		return store.StatusList{}, fmt.Errorf("issuance: status lists: %w", err)
	}
	i := slices.IndexFunc(lists, func(l store.StatusList) bool { return l.ID == listID })
	if i < 0 {
		return store.StatusList{}, fmt.Errorf("issuance: status list %s: %w", listID, store.ErrNotFound)
	}
	return lists[i], nil
}

// cachedToken returns the kept token of a list if it was made from this
// version with this key and is not due for a refresh.
func (is *Issuer) cachedToken(listID string, version int64, kid string, now time.Time) (string, bool) {
	is.mu.Lock()
	defer is.mu.Unlock()
	c := is.cache[listID]
	if c == nil || c.version != version || c.kid != kid || !now.Before(c.refreshAt) {
		return "", false
	}
	return c.token, true
}
