-- +goose Up
-- Enrollment drives (jemput bola): the drive, its officers and its roster.
-- A roster entry counts as activated when the resident has a finished
-- activation in the drive's window (mulai_at to hitung_sampai) by one of
-- its officers or at its office; that is computed from aktivasi, not stored.
CREATE TABLE jemput (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    nama          TEXT NOT NULL CHECK (nama <> ''),
    sasaran       TEXT NOT NULL CHECK (sasaran IN ('WARTAWAN', 'OPD_PROVINSI', 'OPD_KABKOTA', 'ASN', 'SEKOLAH', 'DESA', 'UMUM')),
    tempat        TEXT NOT NULL CHECK (tempat <> ''),
    kantor_kode   TEXT NOT NULL REFERENCES kantor (kode),
    mulai_at      TIMESTAMP NOT NULL,
    selesai_at    TIMESTAMP NOT NULL,
    hitung_sampai TIMESTAMP NOT NULL,
    jam           DOUBLE PRECISION NOT NULL CHECK (jam > 0),
    dibuat_oleh   TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    CHECK (selesai_at > mulai_at),
    CHECK (hitung_sampai >= selesai_at)
);
CREATE INDEX jemput_kantor ON jemput (kantor_kode, mulai_at);

CREATE TABLE jemput_petugas (
    jemput_id BIGINT NOT NULL REFERENCES jemput (id),
    username  TEXT NOT NULL,
    PRIMARY KEY (jemput_id, username)
);

CREATE TABLE jemput_peserta (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    jemput_id  BIGINT NOT NULL REFERENCES jemput (id),
    nik        TEXT NOT NULL REFERENCES penduduk (nik),
    baris      INTEGER NOT NULL,
    added_at   TIMESTAMP NOT NULL,
    hadir_at   TIMESTAMP,
    hadir_oleh TEXT NOT NULL DEFAULT '',
    UNIQUE (jemput_id, nik)
);
CREATE INDEX jemput_peserta_nik ON jemput_peserta (nik);

-- +goose Down
DROP TABLE jemput_peserta;
DROP TABLE jemput_petugas;
DROP TABLE jemput;
