-- +goose Up
-- Printed cards (assisted mode): for a resident with no smartphone, a foto
-- QR credential bound to no device, printed on an A6 card at the counter.
-- Each has its own status list entry, so it is revoked like any other
-- credential. As for kredensial, the to-be-signed bytes are stored before
-- the key signs them, and the state moves to TERBIT after; the signed card
-- itself is not kept (it is a bearer credential: only the paper holds it).
CREATE TABLE kartu_cetak (
    id             TEXT PRIMARY KEY,
    nik            TEXT NOT NULL REFERENCES penduduk (nik),
    kid            TEXT NOT NULL,
    status_list_id TEXT NOT NULL,
    status_idx     INTEGER NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('DISIAPKAN', 'TERBIT', 'GAGAL')),
    tbs            BLOB NOT NULL,
    petugas        TEXT NOT NULL,
    kantor_kode    TEXT NOT NULL REFERENCES kantor (kode),
    issued_at      TIMESTAMP NOT NULL,
    expires_at     TIMESTAMP NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    FOREIGN KEY (status_list_id, status_idx) REFERENCES status_entry (list_id, idx)
) WITHOUT ROWID;
CREATE INDEX kartu_cetak_nik ON kartu_cetak (nik, created_at);

-- +goose Down
DROP TABLE kartu_cetak;
