-- +goose Up
-- PostgreSQL replaces its per-row foreign key penduduk.no_kk with a check
-- per statement in this version. SQLite keeps its foreign key: there the
-- check is an in-process index probe, and a SQLite write transaction holds
-- the database lock, so no concurrent delete can race it. This migration
-- keeps both backends at the same schema version.
SELECT 1;

-- +goose Down
SELECT 1;
