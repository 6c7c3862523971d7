package app

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/demo"
	"github.com/ikd-project/ikd/internal/jemput"
	"github.com/ikd-project/ikd/internal/store"
)

// testDemoDrives loads the demo's drives into a demo province with its
// history (testDemoHistory calls it): journalists first, then the
// provincial offices, then Kota Bengkulu's, each with a roster, check-ins
// and activations at the drive; a second run adds nothing.
func testDemoDrives(t *testing.T, cfg *config.Config, st store.Store, auditLog *audit.Log) {
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	made, err := DemoDrives(ctx, cfg, auditLog, logger, 1)
	if err != nil {
		t.Fatal(err)
	}
	svc := &jemput.Service{Store: st, Audit: auditLog}
	list, err := svc.List(ctx, store.Petugas{Username: "v", KantorKode: "DISDUKCAPIL-17", Peran: store.PeranViewer})
	if err != nil {
		t.Fatal(err)
	}
	want := demo.Drives()
	if len(list) != len(want) {
		t.Fatalf("%d drives, want %d", len(list), len(want))
	}
	aktif := 0
	for i, a := range list { // newest first
		w := want[len(want)-1-i]
		if a.Nama != w.Nama || a.Sasaran != w.Sasaran || !a.MulaiAt.Equal(w.MulaiAt) {
			t.Errorf("drive %d: %s %s %v, want %s", i, a.Nama, a.Sasaran, a.MulaiAt, w.Nama)
		}
		if a.Peserta == 0 || a.Hadir == 0 || a.Hadir > a.Peserta || a.Aktif > a.Hadir {
			t.Errorf("%s: roster %d, checked in %d, activated %d", a.Nama, a.Peserta, a.Hadir, a.Aktif)
		}
		t.Logf("%s: roster %d, checked in %d, activated %d, %.2f an officer-hour", a.Nama, a.Peserta, a.Hadir, a.Aktif, a.PerJam())
		aktif += a.Aktif
	}
	if aktif == 0 || aktif > made {
		t.Errorf("%d counted activated, %d made at the drives", aktif, made)
	}
	if again, err := DemoDrives(ctx, cfg, auditLog, logger, 1); err != nil || again != 0 {
		t.Errorf("second run made %d (%v)", again, err)
	}
	if list, _ := svc.List(ctx, store.Petugas{KantorKode: "DISDUKCAPIL-17"}); len(list) != len(want) {
		t.Errorf("second run: %d drives", len(list))
	}
}
