-- +goose Up
-- The dashboard reads an area's direct children from the aggregates by
-- the length of their codes (one length per level) and a range of codes:
-- these indexes serve that, where the primary key's range for the
-- province is every row of every level below it.
CREATE INDEX statistik_penduduk_tingkat ON statistik_penduduk (length(wilayah_kode), wilayah_kode, lahir);
CREATE INDEX statistik_aktivasi_tingkat ON statistik_aktivasi (length(wilayah_kode), wilayah_kode, minggu);

-- +goose Down
DROP INDEX statistik_aktivasi_tingkat;
DROP INDEX statistik_penduduk_tingkat;
