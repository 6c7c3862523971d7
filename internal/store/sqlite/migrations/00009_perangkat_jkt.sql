-- +goose Up
-- The wallet's own requests are signed by its device key: the server finds
-- the active device by the key's thumbprint.
CREATE INDEX perangkat_jkt ON perangkat (jkt) WHERE state = 'AKTIF';

-- +goose Down
DROP INDEX perangkat_jkt;
