-- +goose Up
-- A status list's version grows by one with every status change of one of
-- its entries, in the change's transaction, so that every instance can tell
-- with one small read whether its signed copy of the list is out of date,
-- instead of reading all of the list's revoked and suspended entries.
ALTER TABLE status_list ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE status_list DROP COLUMN version;
