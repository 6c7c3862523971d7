// Package kantor holds the reference list of service offices
// (KantorLayanan) of the pilot province: the provincial Dinas, the Dinas of
// each kab/kota (the Instansi Pelaksana that issue documents), one office
// per kecamatan (TPDK/UPT), and the Mal Pelayanan Publik of Kota Bengkulu.
// Every installation has them; Seed writes the missing ones.
package kantor

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// Provinsi is the code of the pilot province, Bengkulu.
const Provinsi = "17"

// Referensi returns the reference offices, in this order: the provincial
// Dinas ("DISDUKCAPIL-17"), then for each kab/kota its Dinas
// ("DISDUKCAPIL-17.71") followed by one office per active kecamatan
// ("KEC-17.71.01"), and last the Mal Pelayanan Publik of Kota Bengkulu
// ("MPP-17.71"). CreatedAt is left zero for the store to fill.
func Referensi() []store.Kantor {
	d := wilayah.Default()
	prov, _ := d.Lookup(Provinsi)
	out := []store.Kantor{{
		Kode: "DISDUKCAPIL-" + Provinsi, Jenis: store.DinasProvinsi, WilayahKode: Provinsi,
		Nama: dinas + " Provinsi " + prov.Nama,
	}}
	for _, kab := range d.Children(Provinsi) {
		if kab.Tingkat != wilayah.KabKota || kab.Pensiun {
			continue
		}
		out = append(out, store.Kantor{
			Kode: "DISDUKCAPIL-" + kab.Kode, Jenis: store.DinasKabKota, WilayahKode: kab.Kode,
			Nama: dinas + " " + kab.Jenis + " " + kab.Nama,
		})
		for _, kec := range d.Children(kab.Kode) {
			if kec.Tingkat != wilayah.Kecamatan || kec.Pensiun {
				continue
			}
			out = append(out, store.Kantor{
				Kode: "KEC-" + kec.Kode, Jenis: store.KantorKec, WilayahKode: kec.Kode,
				Nama: "Kantor Kecamatan " + kec.Nama,
			})
		}
	}
	return append(out, store.Kantor{
		Kode: "MPP-17.71", Jenis: store.MPP, WilayahKode: "17.71",
		Nama: "Mal Pelayanan Publik Kota Bengkulu",
	})
}

// dinas is the long form of the Dinas' name, shortened by ShortName.
const dinas = "Dinas Kependudukan dan Pencatatan Sipil"

// ShortName is an office's name as officers say it: "Disdukcapil Kota
// Bengkulu" for "Dinas Kependudukan dan Pencatatan Sipil Kota Bengkulu".
func ShortName(nama string) string {
	if rest, ok := strings.CutPrefix(nama, dinas); ok {
		return "Disdukcapil" + rest
	}
	return nama
}

// referensiNama maps the reference offices' codes to their short names.
var referensiNama = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, k := range Referensi() {
		m[k.Kode] = ShortName(k.Nama)
	}
	return m
})

// NameOf is the short name of reference office kode, or kode itself for
// an office it does not know.
func NameOf(kode string) string {
	if n, ok := referensiNama()[kode]; ok {
		return n
	}
	return kode
}

// Creator is the part of a store that Seed writes through.
type Creator interface {
	CreateKantor(ctx context.Context, k *store.Kantor) error
}

// Seed creates the reference offices that do not exist yet and returns how
// many it created. Existing offices are left as they are.
func Seed(ctx context.Context, st Creator) (int, error) {
	n := 0
	for _, k := range Referensi() {
		err := st.CreateKantor(ctx, &k)
		switch {
		case err == nil:
			n++
		case !errors.Is(err, store.ErrConflict):
			return n, fmt.Errorf("create office %s: %w", k.Kode, err)
		}
	}
	return n, nil
}
