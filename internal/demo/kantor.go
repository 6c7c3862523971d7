package demo

import (
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// Kantor returns the demo's service offices, in this order: the provincial
// Dinas ("DISDUKCAPIL-17"), then for each kab/kota its Dinas
// ("DISDUKCAPIL-17.71") followed by one office per active kecamatan
// ("KEC-17.71.01"), and last the Mal Pelayanan Publik of Kota Bengkulu
// ("MPP-17.71"). Cards in the generated data are printed by the kab/kota
// Dinas. CreatedAt is left zero for the store to fill.
func Kantor() []store.Kantor {
	d := wilayah.Default()
	prov, _ := d.Lookup(Province)
	out := []store.Kantor{{
		Kode: "DISDUKCAPIL-" + Province, Jenis: store.DinasProvinsi, WilayahKode: Province,
		Nama: "Dinas Kependudukan dan Pencatatan Sipil Provinsi " + prov.Nama,
	}}
	for _, kab := range d.Children(Province) {
		if kab.Tingkat != wilayah.KabKota || kab.Pensiun {
			continue
		}
		out = append(out, store.Kantor{
			Kode: "DISDUKCAPIL-" + kab.Kode, Jenis: store.DinasKabKota, WilayahKode: kab.Kode,
			Nama: "Dinas Kependudukan dan Pencatatan Sipil " + kab.Jenis + " " + kab.Nama,
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
