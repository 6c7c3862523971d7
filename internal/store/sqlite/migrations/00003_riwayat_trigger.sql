-- +goose Up
-- A resident's earlier family card goes to the KK history when their KK
-- number changes, whatever changed it (an officer's edit, an import). The
-- trigger costs nothing for new residents, where a lookup before each
-- upsert cost one index probe per row.
-- +goose StatementBegin
CREATE TRIGGER penduduk_pindah_kk AFTER UPDATE OF no_kk ON penduduk
WHEN OLD.no_kk <> NEW.no_kk
BEGIN
    INSERT INTO riwayat_kk (nik, no_kk, hubungan, sampai) VALUES (OLD.nik, OLD.no_kk, OLD.hubungan, NEW.updated_at);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER penduduk_pindah_kk;
