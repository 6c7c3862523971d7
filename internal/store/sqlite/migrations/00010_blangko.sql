-- +goose Up
-- The blangko KTP-el stock ledger: every movement, and each unit's
-- balance, changed in the same transaction as the movement. The CHECK is
-- what keeps a balance from going below zero under any concurrency.
CREATE TABLE blangko_saldo (
    kantor_kode TEXT PRIMARY KEY REFERENCES kantor (kode),
    saldo       INTEGER NOT NULL CHECK (saldo >= 0),
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE blangko_mutasi (
    id      INTEGER PRIMARY KEY,
    at      TIMESTAMP NOT NULL,
    jenis   TEXT NOT NULL CHECK (jenis IN ('PENGAJUAN', 'PERSETUJUAN', 'PENERIMAAN', 'DISTRIBUSI', 'PINJAMAN', 'PEMAKAIAN', 'RUSAK', 'KOREKSI')),
    dari    TEXT REFERENCES kantor (kode),
    ke      TEXT REFERENCES kantor (kode),
    jumlah  INTEGER NOT NULL CHECK (jumlah > 0),
    serial  TEXT UNIQUE,
    ref     TEXT NOT NULL,
    alasan  TEXT NOT NULL,
    petugas TEXT NOT NULL,
    CHECK (dari IS NOT NULL OR ke IS NOT NULL),
    CHECK (dari IS NULL OR ke IS NULL OR dari <> ke)
);
CREATE INDEX blangko_mutasi_at ON blangko_mutasi (at);
CREATE INDEX blangko_mutasi_jenis ON blangko_mutasi (jenis, at);

-- +goose Down
DROP TABLE blangko_mutasi;
DROP TABLE blangko_saldo;
