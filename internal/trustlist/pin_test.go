package trustlist_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial"
	"github.com/ikd-project/ikd/internal/trustlist"
	"github.com/ikd-project/ikd/internal/verify/verifytest"
)

func TestParsePinnedIDs(t *testing.T) {
	now := time.Now()
	f := verifytest.New(t, now)
	_, other := verifytest.NewKey(t)
	jws := f.TrustList()
	for _, pins := range [][]string{{f.KID}, {other, f.KID}, nil} {
		l, err := trustlist.ParsePinnedIDs(jws, now, pins)
		if err != nil || l.SignedBy != f.KID {
			t.Errorf("pins %v: %v", pins, err)
		}
	}
	_, err := trustlist.ParsePinnedIDs(jws, now, []string{other})
	var pe *trustlist.PinError
	var ce *kredensial.Error
	if !errors.As(err, &pe) || pe.SignedBy != f.KID || !errors.As(err, &ce) || ce.Reason != kredensial.UnknownIssuer {
		t.Fatalf("wrong pin: %v", err)
	}
	// A list that fails to parse fails the same way, pinned or not.
	bad := jws[:len(jws)-4] + "AAAA"
	if _, err := trustlist.ParsePinnedIDs(bad, now, []string{f.KID}); !errors.As(err, &ce) || ce.Reason != kredensial.BadSignature {
		t.Errorf("bad signature: %v", err)
	}
}

func TestParsePins(t *testing.T) {
	_, a := verifytest.NewKey(t)
	_, b := verifytest.NewKey(t)
	got, err := trustlist.ParsePins(" " + a + ", " + b + "\n")
	if err != nil || len(got) != 2 || got[0] != a || got[1] != b {
		t.Errorf("%v %v", got, err)
	}
	if got, err := trustlist.ParsePins(""); err != nil || got != nil {
		t.Errorf("empty: %v %v", got, err)
	}
	for _, bad := range []string{"abc", a + "x", strings.Repeat("!", 43)} {
		if _, err := trustlist.ParsePins(bad); err == nil || !strings.Contains(err.Error(), "not a key ID") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
