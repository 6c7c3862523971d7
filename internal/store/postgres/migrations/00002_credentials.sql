-- +goose Up
-- Digital ID: status lists, issued credentials, activation offers, bound
-- devices and single-use nonces.

-- A Token Status List: 2 bits per credential (0 valid, 1 revoked, 2 suspended).
CREATE TABLE status_list (
    id         TEXT PRIMARY KEY,
    bits       INTEGER NOT NULL CHECK (bits IN (1, 2, 4, 8)),
    size       INTEGER NOT NULL CHECK (size > 0),
    created_at TIMESTAMPTZ NOT NULL
);

-- An allocated index of a status list; indexes are drawn at random.
CREATE TABLE status_entry (
    list_id       TEXT NOT NULL REFERENCES status_list (id),
    idx           INTEGER NOT NULL CHECK (idx >= 0),
    status        INTEGER NOT NULL DEFAULT 0,
    kredensial_id TEXT NOT NULL UNIQUE,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (list_id, idx)
);

-- An activation (OpenID4VCI pre-authorized code offer) started by an officer.
CREATE TABLE aktivasi (
    id               TEXT PRIMARY KEY,
    nik              TEXT NOT NULL REFERENCES penduduk (nik),
    kabkota_kode     TEXT NOT NULL,
    kantor_kode      TEXT NOT NULL REFERENCES kantor (kode),
    petugas          TEXT NOT NULL,
    code_hash        TEXT NOT NULL UNIQUE,
    tx_code_hash     TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    state            TEXT NOT NULL CHECK (state IN ('DITAWARKAN', 'DITUKAR', 'SELESAI', 'GAGAL', 'DIBATALKAN')),
    token_hash       TEXT UNIQUE,
    token_expires_at TIMESTAMPTZ,
    expires_at       TIMESTAMPTZ NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX aktivasi_nik ON aktivasi (nik);
CREATE INDEX aktivasi_kabkota ON aktivasi (kabkota_kode, created_at);

-- A holder's device, bound by its key thumbprint; one active per resident.
CREATE TABLE perangkat (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    nik         TEXT NOT NULL REFERENCES penduduk (nik),
    jkt         TEXT NOT NULL,
    aktivasi_id TEXT NOT NULL REFERENCES aktivasi (id),
    state       TEXT NOT NULL CHECK (state IN ('AKTIF', 'DILEPAS')),
    bound_at    TIMESTAMPTZ NOT NULL,
    released_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX perangkat_aktif ON perangkat (nik) WHERE state = 'AKTIF';

-- An issued credential. The to-be-signed bytes are stored before the key
-- signs them, and the state moves to TERBIT after.
CREATE TABLE kredensial (
    id             TEXT PRIMARY KEY,
    nik            TEXT NOT NULL REFERENCES penduduk (nik),
    format         TEXT NOT NULL,
    profil         TEXT NOT NULL,
    kid            TEXT NOT NULL,
    perangkat_id   BIGINT NOT NULL REFERENCES perangkat (id),
    status_list_id TEXT NOT NULL,
    status_idx     INTEGER NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('DISIAPKAN', 'TERBIT', 'GAGAL')),
    tbs            BYTEA NOT NULL,
    issued_at      TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (status_list_id, status_idx) REFERENCES status_entry (list_id, idx)
);
CREATE INDEX kredensial_nik ON kredensial (nik);
CREATE INDEX kredensial_perangkat ON kredensial (perangkat_id);

-- Single-use nonces (OpenID4VCI c_nonce): consumed by deleting them.
CREATE TABLE nonce (
    hash       TEXT PRIMARY KEY,
    expires_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE nonce;
DROP TABLE kredensial;
DROP TABLE perangkat;
DROP TABLE aktivasi;
DROP TABLE status_entry;
DROP TABLE status_list;
