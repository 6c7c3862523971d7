package app

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/demo"
	"github.com/ikd-project/ikd/internal/ikdtest"
)

// TestDemoHistory generates the activation history of a small demo
// province through the real activation service, on both databases.
func TestDemoHistory(t *testing.T) {
	for _, be := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "ikd.db") }},
		{"postgres", func(t *testing.T) string { return ikdtest.SchemaDSN(t, ikdtest.PostgresDSN(t)) }},
	} {
		t.Run(be.name, func(t *testing.T) { testDemoHistory(t, be.dsn(t)) })
	}
}

func testDemoHistory(t *testing.T, database string) {
	ctx := context.Background()
	cfg := config.Defaults()
	cfg.Database, cfg.DataDir, cfg.Demo = database, t.TempDir(), true
	cfg.AuditKeyFile = filepath.Join(cfg.DataDir, "audit.key")
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := OpenMigrated(ctx, &cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	asOf := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if err := demo.Load(ctx, st, demo.Options{Seed: 1, Scale: 0.01, AsOf: asOf}, nil, nil); err != nil {
		t.Fatal(err)
	}
	auditLog, err := NewAuditLog(ctx, &cfg, st, logger)
	if err != nil {
		t.Fatal(err)
	}
	made, err := DemoHistory(ctx, &cfg, auditLog, logger, 1, asOf, nil)
	if err != nil {
		t.Fatal(err)
	}
	if made < 100 {
		t.Fatalf("%d activations for a province of 21,000", made)
	}
	rows, err := st.(interface{ SQL() *sql.DB }).SQL().Query(`SELECT created_at, kabkota_kode FROM aktivasi WHERE state = 'SELESAI'`)
	if err != nil {
		t.Fatal(err)
	}
	perYear, kab, n := map[int]int{}, map[string]bool{}, 0
	for rows.Next() {
		var at time.Time
		var k string
		if err := rows.Scan(&at, &k); err != nil {
			t.Fatal(err)
		}
		if at.Before(HistoryStart) || !at.Before(asOf) {
			t.Errorf("activation at %v, outside the history", at)
		}
		perYear[at.Year()]++
		kab[k] = true
		n++
	}
	rows.Close()
	if n != made || len(perYear) < 4 || len(kab) < 8 || perYear[2025] <= perYear[2022] {
		t.Errorf("%d completed activations (made %d), per year %v, %d kab/kota", n, made, perYear, len(kab))
	}
	if v, err := st.GetMeta(ctx, HistoryMeta); err != nil || v == "" {
		t.Errorf("history not marked complete: %q %v", v, err)
	}
	// A second run finds every chosen resident activated and adds nothing.
	again, err := DemoHistory(ctx, &cfg, auditLog, logger, 1, asOf, nil)
	if err != nil || again != 0 {
		t.Errorf("second run made %d (%v), want 0", again, err)
	}
	testDemoDrives(t, &cfg, st, auditLog)
}
