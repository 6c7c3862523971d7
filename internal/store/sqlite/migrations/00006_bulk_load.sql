-- +goose Up
-- On PostgreSQL this version replaces the per-row foreign key
-- penduduk.no_kk with a check per statement, and compares NIK and Nomor KK
-- bytewise (collation "C"). SQLite needs neither: its foreign key check is
-- an in-process index probe (and a SQLite write transaction holds the
-- database lock, so no concurrent delete can race it), and it compares text
-- bytewise already. This migration keeps both backends at the same schema
-- version.
SELECT 1;

-- +goose Down
SELECT 1;
