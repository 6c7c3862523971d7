-- +goose Up
-- What a first bulk load put off (the indexes and triggers it drops to
-- load faster, sqlstore.DeferIndexes): their definitions, kept in the
-- transaction that dropped them, so that the load's end or, after a kill,
-- the next start builds them again (EnsureIndexes).
CREATE TABLE ditunda (
    nama     TEXT PRIMARY KEY,
    jenis    TEXT NOT NULL,
    definisi TEXT NOT NULL
);

-- +goose Down
DROP TABLE ditunda;
