-- +goose Up
-- The registry: offices, family cards, residents, cards, and the audit log.
-- Dates are TEXT 'YYYY-MM-DD'; timestamps are TEXT 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (UTC),
-- so both sort as text.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE kantor (
    kode         TEXT PRIMARY KEY,
    nama         TEXT NOT NULL,
    jenis        TEXT NOT NULL,
    wilayah_kode TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
) WITHOUT ROWID;

CREATE TABLE kartu_keluarga (
    no_kk          TEXT PRIMARY KEY CHECK (length(no_kk) = 16),
    kepala_nik     TEXT NOT NULL,
    alamat         TEXT NOT NULL,
    rt             TEXT NOT NULL,
    rw             TEXT NOT NULL,
    desa_kode      TEXT NOT NULL,
    tanggal_terbit DATE,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
) WITHOUT ROWID;

CREATE TABLE penduduk (
    nik               TEXT PRIMARY KEY CHECK (length(nik) = 16),
    no_kk             TEXT NOT NULL REFERENCES kartu_keluarga (no_kk),
    hubungan          TEXT NOT NULL,
    nama              TEXT NOT NULL,
    tempat_lahir      TEXT NOT NULL,
    tanggal_lahir     DATE NOT NULL,
    jenis_kelamin     TEXT NOT NULL CHECK (jenis_kelamin IN ('L', 'P')),
    golongan_darah    TEXT NOT NULL,
    agama             TEXT NOT NULL,
    status_kawin      TEXT NOT NULL,
    pekerjaan         TEXT NOT NULL,
    kewarganegaraan   TEXT NOT NULL,
    alamat            TEXT NOT NULL,
    rt                TEXT NOT NULL,
    rw                TEXT NOT NULL,
    desa_kode         TEXT NOT NULL,
    email             TEXT NOT NULL,
    telepon           TEXT NOT NULL,
    status_nik        TEXT NOT NULL CHECK (status_nik IN ('AKTIF', 'NONAKTIF', 'MATI')),
    tanggal_perekaman DATE,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
) WITHOUT ROWID;
CREATE INDEX penduduk_no_kk ON penduduk (no_kk);
CREATE INDEX penduduk_desa ON penduduk (desa_kode);

CREATE TABLE riwayat_kk (
    id       INTEGER PRIMARY KEY,
    nik      TEXT NOT NULL REFERENCES penduduk (nik),
    no_kk    TEXT NOT NULL,
    hubungan TEXT NOT NULL,
    sampai   TIMESTAMP NOT NULL
);
CREATE INDEX riwayat_kk_nik ON riwayat_kk (nik);

CREATE TABLE portrait (
    nik          TEXT PRIMARY KEY REFERENCES penduduk (nik),
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE ktpel (
    id             INTEGER PRIMARY KEY,
    nik            TEXT NOT NULL REFERENCES penduduk (nik),
    blangko_serial TEXT NOT NULL UNIQUE,
    status         TEXT NOT NULL CHECK (status IN ('DICETAK', 'DISERAHKAN', 'HILANG', 'RUSAK', 'DIGANTI')),
    kantor_kode    TEXT NOT NULL REFERENCES kantor (kode),
    dicetak_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX ktpel_nik ON ktpel (nik);

-- The audit log is append-only: triggers refuse UPDATE and DELETE, and the
-- hash chain (package audit) shows any change made around them.
CREATE TABLE audit_event (
    seq          INTEGER PRIMARY KEY,
    at           TIMESTAMP NOT NULL,
    actor        TEXT NOT NULL,
    kantor_kode  TEXT NOT NULL,
    action       TEXT NOT NULL,
    subject_mask TEXT NOT NULL,
    subject_hash TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    detail       TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_event_subject ON audit_event (subject_hash) WHERE subject_hash <> '';
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

-- +goose Down
DROP TABLE audit_head;
DROP TABLE audit_event;
DROP TABLE ktpel;
DROP TABLE portrait;
DROP TABLE riwayat_kk;
DROP TABLE penduduk;
DROP TABLE kartu_keluarga;
DROP TABLE kantor;
DROP TABLE meta;
