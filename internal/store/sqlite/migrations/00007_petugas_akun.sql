-- +goose Up
-- Officers' accounts for the console: a role, a password (argon2id, PHC
-- string), a TOTP secret, the one-time setup code of the first login (its
-- SHA-256 only), and the lockout after wrong passwords or codes. Every
-- officer keeps the API token of 00005 for machines.
ALTER TABLE petugas ADD COLUMN peran TEXT NOT NULL DEFAULT 'operator'
    CHECK (peran IN ('admin', 'supervisor', 'operator', 'stok', 'viewer'));
ALTER TABLE petugas ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE petugas ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE petugas ADD COLUMN totp_wajib BOOLEAN NOT NULL DEFAULT FALSE;
-- The 30-second step of the last TOTP code accepted: a code is good once.
ALTER TABLE petugas ADD COLUMN totp_step BIGINT NOT NULL DEFAULT 0;
ALTER TABLE petugas ADD COLUMN setup_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE petugas ADD COLUMN setup_expires_at TIMESTAMP;
ALTER TABLE petugas ADD COLUMN gagal INTEGER NOT NULL DEFAULT 0;
ALTER TABLE petugas ADD COLUMN terkunci_sampai TIMESTAMP;

-- Console sessions, server-side: the cookie holds the id, the table only
-- its SHA-256. A session ends at its absolute expiry, after an idle
-- period (last_seen_at), at logout, or when the officer is deactivated.
CREATE TABLE sesi (
    id_hash      TEXT PRIMARY KEY,
    username     TEXT NOT NULL REFERENCES petugas (username),
    csrf         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
) WITHOUT ROWID;
CREATE INDEX sesi_username ON sesi (username);

-- +goose Down
DROP TABLE sesi;
ALTER TABLE petugas DROP COLUMN terkunci_sampai;
ALTER TABLE petugas DROP COLUMN gagal;
ALTER TABLE petugas DROP COLUMN setup_expires_at;
ALTER TABLE petugas DROP COLUMN setup_hash;
ALTER TABLE petugas DROP COLUMN totp_step;
ALTER TABLE petugas DROP COLUMN totp_wajib;
ALTER TABLE petugas DROP COLUMN totp_secret;
ALTER TABLE petugas DROP COLUMN password_hash;
ALTER TABLE petugas DROP COLUMN peran;
