-- +goose Up
-- Officers (petugas) of the service offices. For now an officer is an API
-- token for the officer endpoints; only its SHA-256 is kept. Accounts with
-- passwords and sessions come with the officers' console.
CREATE TABLE petugas (
    username    TEXT PRIMARY KEY,
    nama        TEXT NOT NULL,
    kantor_kode TEXT NOT NULL REFERENCES kantor (kode),
    token_hash  TEXT NOT NULL UNIQUE,
    state       TEXT NOT NULL CHECK (state IN ('AKTIF', 'NONAKTIF')),
    created_at  TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE petugas;
