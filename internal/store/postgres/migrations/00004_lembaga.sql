-- +goose Up
-- Registered institutions (lembaga pengguna) that verify presentations
-- online through the JSON API. Only the SHA-256 of an API key is kept.
CREATE TABLE lembaga (
    id              TEXT PRIMARY KEY,
    nama            TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    allowed_fields  TEXT NOT NULL,
    api_key_hash    TEXT NOT NULL UNIQUE,
    rate_per_minute INTEGER NOT NULL CHECK (rate_per_minute > 0),
    state           TEXT NOT NULL CHECK (state IN ('AKTIF', 'DICABUT')),
    created_at      TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE lembaga;
