-- +goose Up
-- A target set for an area and year, in place of the default share (25%
-- for 2023, 30% from 2024) it would otherwise have from its nearest area
-- above with one, or the default. The decision it comes from (an SK
-- number, a letter) is required.
CREATE TABLE target_wilayah (
    tahun        INTEGER NOT NULL,
    wilayah_kode TEXT NOT NULL,
    persen       REAL NOT NULL CHECK (persen > 0 AND persen <= 100),
    sumber       TEXT NOT NULL CHECK (sumber <> ''),
    petugas      TEXT NOT NULL,
    diubah_pada  TIMESTAMP NOT NULL,
    PRIMARY KEY (tahun, wilayah_kode)
);

-- +goose Down
DROP TABLE target_wilayah;
