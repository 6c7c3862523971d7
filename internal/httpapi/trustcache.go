package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"sync"
	"time"

	"github.com/ikd-project/ikd/internal/lembaga"
	"github.com/ikd-project/ikd/internal/trustlist"
)

// How long a signed trust list is reused (see TrustList).
const (
	// TrustListRecheck is how long the signed trust list is served without
	// asking the database again. A status change made through this
	// process's Issuer, or a change of keys, is seen at once; one made by
	// another process (ikd import, ikd kredensial) within TrustListRecheck.
	TrustListRecheck = 10 * time.Second
	// TrustListResign is how long an unchanged trust list is reused before
	// it is signed anew, so that its iat stays recent.
	TrustListResign = time.Minute
)

// trustCache is the signed trust list TrustList serves and what it was
// made from.
type trustCache struct {
	mu        sync.Mutex
	jws       string
	content   [32]byte // contentHash of the list signed
	keys      string   // keysTag when last checked
	changes   uint64   // Issuer.Changes() when last checked
	signedAt  time.Time
	checkedAt time.Time
}

// fresh reports whether the cached list may be served at now without a
// look at the database.
func (c *trustCache) fresh(now time.Time, keys string, changes uint64) bool {
	since := now.Sub(c.checkedAt)
	return c.jws != "" && keys == c.keys && changes == c.changes &&
		since >= 0 && since < TrustListRecheck && now.Sub(c.signedAt) < TrustListResign
}

// TrustList returns the signed trust list, as SignTrustList makes it, from
// a cache: it is signed anew when the keys or a status list changed or it
// is TrustListResign old. A status change in this process or a key change
// is seen at once; the database (where another process may have changed a
// status) is looked at again after TrustListRecheck. Offline verifiers
// refresh the list on their own schedule anyway (Cache-Control), so these
// seconds are small beside it; online verifications read the status from
// the database per request (lembaga.Service.Status) and do not wait for it.
func (a *API) TrustList(ctx context.Context) (string, error) {
	jws, _, err := a.cachedTrustList(ctx)
	return jws, err
}

// cachedTrustList is TrustList, with when the list was signed.
func (a *API) cachedTrustList(ctx context.Context) (string, time.Time, error) {
	now := a.now().Truncate(time.Second)
	keys, changes := a.keysTag(), a.Issuer.Changes()
	c := &a.trust
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fresh(now, keys, changes) {
		return c.jws, c.signedAt, nil
	}
	l, err := a.trustListContent(ctx, now)
	if err != nil {
		return "", time.Time{}, err
	}
	content := contentHash(l)
	if c.jws == "" || content != c.content || now.Sub(c.signedAt) >= TrustListResign || now.Before(c.signedAt) {
		jws, err := a.signTrustList(l)
		if err != nil {
			return "", time.Time{}, err
		}
		c.jws, c.content, c.signedAt = jws, content, now
	}
	c.keys, c.changes, c.checkedAt = keys, changes, now
	return c.jws, c.signedAt, nil
}

// keysTag names the active key and the keys that verify now.
func (a *API) keysTag() string {
	tag := a.Keys.Active().ID
	for _, k := range a.verifyingKeys() {
		tag += " " + k.ID + "@" + k.VerifyUntil.UTC().Format(time.RFC3339)
	}
	return tag
}

// contentHash hashes what a trust list says, without its times: the
// issuer, the keys and the status list tokens.
func contentHash(l trustlist.List) [32]byte {
	h := sha256.New()
	field := func(s string) {
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(s))))
		h.Write([]byte(s))
	}
	field(l.Issuer)
	for _, k := range l.IssuerKeys {
		field(k.ID)
		field(k.VerifyUntil.UTC().Format(time.RFC3339))
	}
	for _, sl := range l.StatusLists {
		field(sl.URI)
		field(sl.Token)
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// OnlineTrustTTL is how long the institutions' verifications reuse the
// parsed trust list: it supplies the keys; the status of each credential
// is read from the database per verification.
const OnlineTrustTTL = time.Minute

// UseLembaga mounts s for POST /api/v1/verifications, wired as ikd serve
// runs it: s verifies against TrustList, parsed at most once per
// OnlineTrustTTL, and reads every credential's status from the database
// (Issuer.EntryStatus), so that a suspension or revocation counts at once,
// whichever process made it.
func (a *API) UseLembaga(s *lembaga.Service) {
	s.Trust = lembaga.CachedTrust(a.TrustList, OnlineTrustTTL, s.Now)
	s.Status = a.Issuer.EntryStatus
	a.Lembaga = s
}
