-- +goose Up
-- Counters that every instance of ikd shares: attempts per client address
-- at the console's sign-in and the public tracking page, and the quota an
-- institution's verifications draw from, each per fixed window (jendela,
-- its start in Unix seconds). kunci names the counter and holds no
-- personal data (a client address appears only as a keyed hash).
CREATE TABLE kuota (
    kunci   TEXT PRIMARY KEY,
    jendela BIGINT NOT NULL,
    n       BIGINT NOT NULL CHECK (n >= 0)
);

-- +goose Down
DROP TABLE kuota;
