// Package lembaga serves registered institutions (lembaga pengguna): banks,
// hospitals, pharmacies and the like that verify residents' digital IDs
// online through the JSON API (DESIGN.md §1, §5).
//
// An institution is registered with a declared purpose, the claims it may
// receive (allowed fields) and a rate limit. It authenticates with an API
// key of 256 random bits that is shown once; only its SHA-256 is stored.
// Every verification is written to the audit log with the institution as
// actor and the resident (when the presentation disclosed the NIK) as
// subject: the resident's "who verified my ID" history reads it from there.
package lembaga

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ikd-project/ikd/internal/apikey"
	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/statuslist"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/trustlist"
	"github.com/ikd-project/ikd/internal/verify"
)

// Fields are the claim names an institution may be allowed to receive.
// "foto" covers the portrait and its hash.
var Fields = []string{"nama", "nik", "tanggal_lahir", "jenis_kelamin", "age_over_17", "age_over_21", "foto"}

// Limits of a registration.
const (
	MinRate = 1    // verifications per minute
	MaxRate = 6000 // verifications per minute
	// DefaultRate is the rate of `ikd lembaga add` without --rate.
	DefaultRate = 60
)

// KeyPrefix starts every API key, so that secret scanners and people can
// recognise one.
const KeyPrefix = "ikdk_"

// ActionVerifikasi is the audit action of a verification.
const ActionVerifikasi = "verifikasi"

// Errors of authentication. Both wrap errs.Unauthenticated.
var (
	ErrUnknownKey = errs.New(errs.Unauthenticated, "kunci API tidak dikenal", "unknown API key")
	ErrRevoked    = errs.New(errs.Unauthenticated, "lembaga ini sudah dicabut; kunci API tidak berlaku lagi",
		"this institution has been revoked; its API key no longer works")
	errRate = errs.New(errs.Unavailable, "terlalu banyak verifikasi; coba lagi sebentar lagi",
		"too many verifications; try again shortly")
)

// RateLimitError says an institution is over its rate and when to retry.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("rate limit exceeded; retry after %s", e.RetryAfter)
}

// Unwrap gives the bilingual message (kind errs.Unavailable).
func (e *RateLimitError) Unwrap() error { return errRate }

// NewKey returns a fresh API key (256 random bits) and its hash, the
// SHA-256 hex that the store keeps.
func NewKey() (key, hash string) { return apikey.New(KeyPrefix) }

// HashKey returns the SHA-256 hex of an API key.
func HashKey(key string) string { return apikey.Hash(key) }

// Service registers institutions and verifies presentations for them.
type Service struct {
	Store store.Store
	Audit *audit.Log
	// Group, when set, commits the verifications' audit events together
	// with other requests' (group commit); each answer still waits for its
	// event's commit. Nil gives every verification a transaction of its own.
	Group *audit.Group
	// Trust returns the current parsed trust list; the caller refreshes it
	// (see CachedTrust). Needed by Verify only.
	Trust func(ctx context.Context) (*trustlist.List, error)
	// Status returns the current status of a credential's status list
	// entry from the database (issuance.Issuer.EntryStatus), so that a
	// suspension or revocation counts at once, whichever process made it,
	// however old the cached trust list is. Nil leaves the status to the
	// trust list's tokens (only as fresh as Trust).
	Status func(ctx context.Context, uri string, idx uint64) (statuslist.Status, bool, error)
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Actor names who registers and revokes in the audit log;
	// "system:lembaga" when empty.
	Actor string

	// Quota, when set, is the counter in the database that every instance
	// draws an institution's per-minute quota from (store.Store), so that
	// N instances together let it through at its rate, not N times it.
	// Nil leaves the rate to this process's bucket alone.
	Quota Quota

	limiter limiter
	leases  leases
}

// Quota adds n to key's count in the window starting at window (Unix
// seconds) and returns the window's total (store.Store.AddQuota).
type Quota interface {
	AddQuota(ctx context.Context, key string, window, n int64) (int64, error)
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

func (s *Service) actor() string {
	if s.Actor == "" {
		return "system:lembaga"
	}
	return s.Actor
}

// ParseFields splits a comma list of field names, trims, lower-cases and
// de-duplicates them, and refuses unknown names.
func ParseFields(list string) ([]string, error) {
	var out, unknown []string
	for f := range strings.SplitSeq(list, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		switch {
		case f == "" || slices.Contains(out, f):
		case slices.Contains(Fields, f):
			out = append(out, f)
		default:
			unknown = append(unknown, f)
		}
	}
	if len(unknown) > 0 {
		return nil, errs.Newf(errs.Invalid, "nama field tidak dikenal: %s (yang dikenal: %s)",
			"unknown field names: %s (known: %s)", strings.Join(unknown, ", "), strings.Join(Fields, ", "))
	}
	if len(out) == 0 {
		return nil, errs.Newf(errs.Invalid, "sebutkan minimal satu field yang boleh diterima (%s)",
			"name at least one allowed field (%s)", strings.Join(Fields, ", "))
	}
	return out, nil
}

// Register records a new institution and returns it with its API key,
// which exists nowhere else: show it once.
func (s *Service) Register(ctx context.Context, nama, purpose string, fields []string, rate int) (store.Lembaga, string, error) {
	nama, purpose = strings.TrimSpace(nama), strings.TrimSpace(purpose)
	if nama == "" {
		return store.Lembaga{}, "", errs.New(errs.Invalid, "nama lembaga wajib diisi", "the institution's name is required")
	}
	if purpose == "" {
		return store.Lembaga{}, "", errs.New(errs.Invalid, "tujuan penggunaan wajib dinyatakan", "a declared purpose is required")
	}
	if rate < MinRate || rate > MaxRate {
		return store.Lembaga{}, "", errs.Newf(errs.Invalid, "batas laju %d per menit di luar rentang %d..%d",
			"rate %d per minute is outside %d..%d", rate, MinRate, MaxRate)
	}
	allowed, err := ParseFields(strings.Join(fields, ","))
	if err != nil {
		return store.Lembaga{}, "", err
	}
	var id [6]byte
	rand.Read(id[:])
	key, hash := NewKey()
	l := store.Lembaga{ID: "lbg-" + hex.EncodeToString(id[:]), Nama: nama, Purpose: purpose, AllowedFields: allowed,
		APIKeyHash: hash, RatePerMinute: rate, State: store.LembagaAktif}
	err = s.Store.InTx(ctx, func(tx store.Tx) error {
		if err := tx.CreateLembaga(ctx, &l); err != nil {
			return err
		}
		_, err := s.Audit.Record(ctx, tx, audit.Entry{Actor: s.actor(), Action: "lembaga.daftar", Purpose: "registrasi lembaga pengguna",
			Detail: map[string]any{"lembaga": l.ID, "nama": l.Nama, "purpose": l.Purpose, "fields": l.AllowedFields, "rate_per_minute": l.RatePerMinute}})
		return err
	})
	if err != nil {
		return store.Lembaga{}, "", fmt.Errorf("register lembaga: %w", err)
	}
	return l, key, nil
}

// Revoke marks an institution DICABUT: its key stops working at once.
func (s *Service) Revoke(ctx context.Context, id string) error {
	err := s.Store.InTx(ctx, func(tx store.Tx) error {
		if err := tx.SetLembagaState(ctx, id, store.LembagaDicabut); err != nil {
			return err
		}
		_, err := s.Audit.Record(ctx, tx, audit.Entry{Actor: s.actor(), Action: "lembaga.cabut", Purpose: "pencabutan lembaga pengguna",
			Detail: map[string]any{"lembaga": id}})
		return err
	})
	if store.IsNotFound(err) {
		return errs.Newf(errs.NotFound, "lembaga %s tidak ada", "no institution %s", id)
	}
	return err
}

// Result is a verification as an institution receives it.
type Result struct {
	verify.Result
	// Claims (shadowing verify.Result.Claims) holds only the disclosed
	// claims the institution is allowed to receive.
	Claims     map[string]any `json:"claims,omitempty"`
	Lembaga    store.Lembaga  `json:"-"`
	VerifiedAt time.Time      `json:"verified_at"`
	// AuditSeq is the audit event that records the verification.
	AuditSeq int64 `json:"-"`
}

// Authenticate returns the active institution of an API key.
func (s *Service) Authenticate(ctx context.Context, apiKey string) (store.Lembaga, error) {
	if apiKey == "" {
		return store.Lembaga{}, ErrUnknownKey
	}
	// The lookup goes by the hash through the unique index: the key itself
	// is never compared, so timing says nothing about it.
	l, err := s.Store.GetLembagaByKeyHash(ctx, HashKey(apiKey))
	if store.IsNotFound(err) {
		return store.Lembaga{}, ErrUnknownKey
	}
	if err != nil {
		return store.Lembaga{}, err
	}
	if l.State != store.LembagaAktif {
		return store.Lembaga{}, ErrRevoked
	}
	return l, nil
}

// Verify authenticates apiKey and verifies input for its institution: see
// VerifyFor.
func (s *Service) Verify(ctx context.Context, apiKey, input string, opts verify.Options) (Result, error) {
	l, err := s.Authenticate(ctx, apiKey)
	if err != nil {
		return Result{}, err
	}
	return s.VerifyFor(ctx, l, input, opts)
}

// VerifyFor verifies input for an institution the caller authenticated
// (with Authenticate): it applies the institution's rate limit,
// verifies input with verify.Verify against the current trust list (opts
// supplies Nonce, Aud and RequireKB; Trust and Now are the service's, and
// the credential's status is read through Status when set),
// keeps only the allowed claims and records the verification in the audit
// log. An invalid presentation is a Result with Valid false, not an error;
// errors are ErrRevoked, *RateLimitError or a failure of the trust list,
// the status or the database.
func (s *Service) VerifyFor(ctx context.Context, l store.Lembaga, input string, opts verify.Options) (Result, error) {
	if l.State != store.LembagaAktif {
		return Result{}, ErrRevoked
	}
	now := s.now()
	if wait, ok := s.limiter.take(l.ID, l.RatePerMinute, now); !ok {
		return Result{}, &RateLimitError{RetryAfter: wait}
	}
	if s.Quota != nil {
		if wait, ok := s.leases.take(ctx, s.Quota, l, now); !ok {
			return Result{}, &RateLimitError{RetryAfter: wait}
		}
	}
	if s.Trust == nil {
		return Result{}, errors.New("lembaga: no trust list source")
	}
	trust, err := s.Trust(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("trust list: %w", err)
	}
	opts.Trust, opts.Now = trust, now
	var statusErr error
	if s.Status != nil {
		opts.EntryStatus = func(uri string, idx uint64) (statuslist.Status, bool, error) {
			st, ok, err := s.Status(ctx, uri, idx)
			statusErr = err
			return st, ok, err
		}
	}
	vr := verify.Verify(input, opts)
	if statusErr != nil {
		return Result{}, fmt.Errorf("credential status: %w", statusErr)
	}
	res := Result{Result: vr, Claims: Filter(vr.Claims, l.AllowedFields), Lembaga: l, VerifiedAt: now}
	res.Result.Claims = nil

	subject, _ := vr.Claims["nik"].(string)
	detail := map[string]any{"result": "VALID", "format": vr.Format, "profile": vr.Profile, "fields": claimNames(res.Claims)}
	if !vr.Valid {
		detail["result"] = string(vr.Reason)
	}
	if subject == "" {
		detail["subject"] = "not_disclosed"
	}
	ev, err := s.record(ctx, audit.Entry{Actor: "lembaga:" + l.ID, Action: ActionVerifikasi,
		Subject: subject, Purpose: l.Purpose, Detail: detail})
	res.AuditSeq = ev.Seq
	if err != nil {
		return Result{}, fmt.Errorf("record verification: %w", err)
	}
	return res, nil
}

// record appends an event that goes with no change of its own: through the
// group commit when there is one, else in a transaction of its own.
func (s *Service) record(ctx context.Context, e audit.Entry) (store.AuditEvent, error) {
	if s.Group != nil {
		return s.Group.Record(ctx, e)
	}
	var ev store.AuditEvent
	err := s.Store.InTx(ctx, func(tx store.Tx) error {
		var err error
		ev, err = s.Audit.Record(ctx, tx, e)
		return err
	})
	return ev, err
}

// Filter returns the claims whose names are allowed; "foto" allows both
// foto and foto_hash. A claim not allowed is never returned, disclosed or
// not.
func Filter(claims map[string]any, allowed []string) map[string]any {
	out := map[string]any{}
	for k, v := range claims {
		name := k
		if k == "foto_hash" {
			name = "foto"
		}
		if slices.Contains(allowed, name) {
			out[k] = v
		}
	}
	return out
}

func claimNames(m map[string]any) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// limiter is a token bucket per institution, in memory: it smooths one
// instance's verifications (a bucket holds a minute's worth and refills
// continuously); the shared quota (Service.Quota, leases) keeps N instances
// together to the rate.
type limiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	rate   int // per minute
	tokens float64
	at     time.Time
}

// take spends one token of id's bucket at now, or says how long until one
// is there.
func (l *limiter) take(id string, perMinute int, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[string]*bucket{}
	}
	b := l.buckets[id]
	if b == nil || b.rate != perMinute {
		b = &bucket{rate: perMinute, tokens: float64(perMinute), at: now}
		l.buckets[id] = b
	}
	perSecond := float64(perMinute) / 60
	if el := now.Sub(b.at); el > 0 {
		b.tokens = min(float64(perMinute), b.tokens+el.Seconds()*perSecond)
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	wait := time.Duration((1 - b.tokens) / perSecond * float64(time.Second))
	return wait, false
}

// leases are this instance's shares of the institutions' quotas for the
// current minute, drawn from the shared counter in chunks: one write to
// the database per chunk, not per verification, and never more than the
// rate in a minute across all instances. A chunk an instance has not used
// by the minute's end is lost, which errs on the side of fewer; so chunks
// start at one verification and double with each draw, up to a twentieth
// of the rate, and what an instance holds unused stays about what it used
// since its last draw (a restarted or idle instance wastes little).
type leases struct {
	mu sync.Mutex
	by map[string]*lease
}

type lease struct {
	window int64 // minute start, Unix seconds
	left   int64 // verifications left of the chunks drawn
	out    bool  // the minute's quota is spent
	chunk  int64 // the next draw's size
}

// take spends one verification of l's quota at now, drawing a chunk from
// q when this instance's share is spent, or says how long until the next
// minute. If the database does not answer, the bucket of this process
// alone has decided.
func (ls *leases) take(ctx context.Context, q Quota, l store.Lembaga, now time.Time) (time.Duration, bool) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.by == nil {
		ls.by = map[string]*lease{}
	}
	window := now.Unix() - now.Unix()%60
	le := ls.by[l.ID]
	if le == nil {
		le = &lease{window: window, chunk: 1}
		ls.by[l.ID] = le
	}
	if le.window != window {
		*le = lease{window: window, chunk: le.chunk}
	}
	wait := max(time.Second, time.Unix(window+60, 0).Sub(now))
	switch {
	case le.left > 0:
		le.left--
		return 0, true
	case le.out:
		return wait, false
	}
	rate := int64(l.RatePerMinute)
	chunk := min(le.chunk, max(1, rate/20))
	le.chunk = min(2*chunk, max(1, rate/20))
	total, err := q.AddQuota(ctx, "lembaga:"+l.ID, window, chunk)
	if err != nil {
		return 0, true
	}
	granted := chunk - max(0, total-rate)
	if granted <= 0 {
		le.out = true
		return wait, false
	}
	le.left = granted - 1
	return 0, true
}

// CachedTrust returns a Trust func that fetches and parses the trust list
// at most once per ttl. With Service.Status set, the cached list supplies
// only the keys (a new key reaches institutions' verifications within
// ttl); without it, a revocation reaches them within ttl plus the status
// token's own age.
func CachedTrust(fetch func(ctx context.Context) (string, error), ttl time.Duration, now func() time.Time) func(ctx context.Context) (*trustlist.List, error) {
	if now == nil {
		now = time.Now
	}
	var mu sync.Mutex
	var cached *trustlist.List
	var at time.Time
	return func(ctx context.Context) (*trustlist.List, error) {
		mu.Lock()
		defer mu.Unlock()
		t := now()
		if cached != nil && t.Sub(at) < ttl && t.Sub(at) >= 0 {
			return cached, nil
		}
		jws, err := fetch(ctx)
		if err != nil {
			return nil, err
		}
		l, err := trustlist.Parse(jws, t, nil)
		if err != nil {
			return nil, err
		}
		cached, at = l, t
		return l, nil
	}
}
