-- +goose Up
-- Residents' service requests and each step they went through.
CREATE TABLE permohonan (
    nomor        TEXT PRIMARY KEY,
    nik          TEXT NOT NULL REFERENCES penduduk (nik),
    jenis        TEXT NOT NULL CHECK (jenis IN ('PEMULA', 'HILANG', 'RUSAK', 'UBAH_FOTO', 'UBAH_DATA', 'PONSEL_HILANG')),
    kantor_kode  TEXT NOT NULL REFERENCES kantor (kode),
    state        TEXT NOT NULL CHECK (state IN ('DIAJUKAN', 'DIPERIKSA', 'DIPROSES', 'MENUNGGU_BLANGKO', 'DICETAK', 'DISERAHKAN', 'SELESAI', 'DITOLAK')),
    pilihan      TEXT NOT NULL CHECK (pilihan IN ('', 'IKD', 'KARTU')),
    alasan_kartu TEXT NOT NULL,
    serial       TEXT NOT NULL,
    batas_at     TIMESTAMP NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX permohonan_kantor ON permohonan (kantor_kode, created_at);
CREATE INDEX permohonan_nik ON permohonan (nik);

CREATE TABLE langkah_permohonan (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    nomor   TEXT NOT NULL REFERENCES permohonan (nomor),
    at      TIMESTAMP NOT NULL,
    state   TEXT NOT NULL,
    petugas TEXT NOT NULL,
    catatan TEXT NOT NULL
);
CREATE INDEX langkah_permohonan_nomor ON langkah_permohonan (nomor, id);

-- +goose Down
DROP TABLE langkah_permohonan;
DROP TABLE permohonan;
