package demo

import (
	"context"
	"errors"
	"github.com/ikd-project/ikd/internal/kantor"
	"testing"

	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/penduduk"
	"github.com/ikd-project/ikd/internal/store"
)

// expectedStats counts, per kab/kota, what StatistikWilayah should report
// for the generated province.
func expectedStats(t *testing.T, opts Options) map[string]store.StatistikWilayah {
	t.Helper()
	want := map[string]store.StatistikWilayah{}
	err := Generate(opts, func(b *store.Batch) error {
		for i := range b.Penduduk {
			p := &b.Penduduk[i]
			if p.StatusNIK == store.NIKMati {
				continue
			}
			s := want[p.DesaKode[:5]]
			s.KabKotaKode = p.DesaKode[:5]
			s.Penduduk++
			if penduduk.WajibKTP(p, opts.AsOf) {
				s.WajibKTP++
				if penduduk.Terekam(p) {
					s.Terekam++
				}
			}
			want[s.KabKotaKode] = s
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return want
}

func checkLoaded(t *testing.T, st store.Store, opts Options) {
	t.Helper()
	ctx := context.Background()
	got, err := st.StatistikWilayah(ctx, opts.AsOf)
	if err != nil {
		t.Fatal(err)
	}
	want := expectedStats(t, opts)
	if len(got) != len(want) {
		t.Fatalf("statistics for %d kab/kota, want %d", len(got), len(want))
	}
	for _, s := range got {
		if s != want[s.KabKotaKode] {
			t.Errorf("%s: %+v, want %+v", s.KabKotaKode, s, want[s.KabKotaKode])
		}
	}
	ks, err := st.ListKantor(ctx)
	if err != nil || len(ks) != len(kantor.Referensi()) {
		t.Fatalf("%d offices (%v), want %d", len(ks), err, len(kantor.Referensi()))
	}
}

// TestLoad runs on SQLite, and on PostgreSQL when IKD_TEST_POSTGRES_DSN is
// set: the same seed must give the same province on both.
func TestLoad(t *testing.T) { ikdtest.ForEachBackend(t, testLoad) }

func testLoad(t *testing.T, st store.Store) {
	ctx := context.Background()
	opts := Options{Seed: 9, Scale: 0.002, AsOf: testAsOf, BatchSize: 1000}

	// A load cut short after two batches ...
	cctx, cancel := context.WithCancel(ctx)
	batches := 0
	err := Load(cctx, st, opts, nil, func(done, total int) {
		if done > 0 {
			if batches++; batches == 2 {
				cancel()
			}
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Load = %v", err)
	}
	if _, err := st.GetMeta(ctx, MetaComplete); !store.IsNotFound(err) {
		t.Fatalf("an unfinished load is marked complete: %v", err)
	}
	// ... is finished by running it again, without duplicates.
	last := 0
	if err := Load(ctx, st, opts, nil, func(done, total int) {
		if total != Total(opts) || done < last {
			t.Errorf("progress %d/%d after %d", done, total, last)
		}
		last = done
	}); err != nil {
		t.Fatal(err)
	}
	if last != Total(opts) {
		t.Errorf("progress ended at %d, want %d", last, Total(opts))
	}
	checkLoaded(t, st, opts)
	if v, err := st.GetMeta(ctx, MetaComplete); err != nil || v != "9 0.002" {
		t.Errorf("meta %s = %q, %v", MetaComplete, v, err)
	}
	// A third run changes nothing.
	if err := Load(ctx, st, opts, nil, nil); err != nil {
		t.Fatal(err)
	}
	checkLoaded(t, st, opts)

	// Family cards, members and e-KTP cards are readable back.
	var head store.Penduduk
	var cards []store.KTPel
	Generate(opts, func(b *store.Batch) error {
		if head.NIK == "" {
			head, cards = b.Penduduk[0], nil
			for _, c := range b.KTPel {
				if c.NIK == head.NIK {
					cards = append(cards, c)
				}
			}
		}
		return nil
	})
	members, err := st.ListAnggotaKK(ctx, head.NoKK)
	if err != nil || len(members) == 0 || members[0].NIK != head.NIK {
		t.Fatalf("members of %s: %v, %v", head.NoKK, len(members), err)
	}
	got, err := st.ListKTPel(ctx, head.NIK)
	if err != nil || len(got) != len(cards) {
		t.Fatalf("cards of the first head: %d (%v), want %d", len(got), err, len(cards))
	}
}
