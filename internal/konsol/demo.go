package konsol

import (
	"context"
	"strings"

	"github.com/ikd-project/ikd/internal/store"
)

// DemoResidents returns, for the demo province only, a few residents of
// an office's area who have an e-mail address, so that someone trying the
// console has NIKs to search for. On a real register it returns nothing:
// the demo's residents are generated, not people.
func DemoResidents(st interface {
	GetMeta(ctx context.Context, key string) (string, error)
	GetKantor(ctx context.Context, kode string) (store.Kantor, error)
	ListPenduduk(ctx context.Context, f store.PendudukFilter) ([]store.Penduduk, error)
}, demoMeta string) func(ctx context.Context, kantor string) []store.Penduduk {
	return func(ctx context.Context, kantor string) []store.Penduduk {
		if _, err := st.GetMeta(ctx, demoMeta); err != nil {
			return nil
		}
		k, err := st.GetKantor(ctx, kantor)
		if err != nil {
			return nil
		}
		// NIKs issued in the area sort from its digits on: a short scan.
		list, err := st.ListPenduduk(ctx, store.PendudukFilter{WilayahKode: k.WilayahKode,
			AfterNIK: strings.ReplaceAll(k.WilayahKode, ".", ""), Limit: 50})
		if err != nil {
			return nil
		}
		var out []store.Penduduk
		for _, p := range list {
			if p.Email != "" && p.StatusNIK == store.NIKAktif && len(out) < 5 {
				out = append(out, p)
			}
		}
		return out
	}
}
