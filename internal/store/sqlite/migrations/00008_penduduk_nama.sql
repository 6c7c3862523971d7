-- +goose Up
-- The console's search by name: a name prefix (names are kept in capitals,
-- as SIAK writes them), narrowed by area, birth date or kecamatan. The
-- index holds the desa code so the area filter is checked in the index;
-- names compare bytewise, so a prefix is a range.
CREATE INDEX penduduk_nama ON penduduk (nama, desa_kode);

-- +goose Down
DROP INDEX penduduk_nama;
