-- +goose Up
-- A photo or data change re-issues a device's credentials: the old ones
-- are revoked on the status list and marked superseded here (so that the
-- device's standing and what it may hold count only the new ones), and
-- the new ones wait in kredensial_kirim until the wallet fetches them
-- with its signed data request. A delivery is replaced by the next
-- re-issue and deleted when the device is released.
ALTER TABLE kredensial ADD COLUMN diganti_pada TIMESTAMPTZ;

CREATE TABLE kredensial_kirim (
    perangkat_id  BIGINT NOT NULL REFERENCES perangkat (id),
    konfigurasi   TEXT NOT NULL,
    kredensial_id TEXT NOT NULL REFERENCES kredensial (id),
    isi           TEXT NOT NULL,
    dibuat_pada   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (perangkat_id, konfigurasi)
);

-- A SIAK import that changes a resident with a digital ID queues them
-- here, in the batch's transaction; the server, which holds the issuer
-- keys (the import does not), re-issues and removes them.
CREATE TABLE terbit_ulang (
    nik         TEXT PRIMARY KEY REFERENCES penduduk (nik),
    alasan      TEXT NOT NULL,
    dibuat_pada TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE terbit_ulang;
DROP TABLE kredensial_kirim;
ALTER TABLE kredensial DROP COLUMN diganti_pada;
