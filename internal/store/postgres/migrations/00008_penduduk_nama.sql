-- +goose Up
-- The console's search by name: a name prefix (names are kept in capitals,
-- as SIAK writes them) within an area, optionally with the birth date.
-- Names compare bytewise, so a prefix is a range. The first index holds
-- the desa code so that the area is checked in the index; the second
-- serves a search with the birth date: one date, then the name range.
CREATE INDEX penduduk_nama ON penduduk (nama COLLATE "C", desa_kode COLLATE "C");
CREATE INDEX penduduk_lahir_nama ON penduduk (tanggal_lahir, nama COLLATE "C");

-- +goose Down
DROP INDEX penduduk_lahir_nama;
DROP INDEX penduduk_nama;
