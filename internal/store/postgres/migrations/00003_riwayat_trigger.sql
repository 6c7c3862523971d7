-- +goose Up
-- A resident's earlier family card goes to the KK history when their KK
-- number changes, whatever changed it (an officer's edit, an import). The
-- trigger costs nothing for new residents, where a lookup before each
-- upsert cost one index probe per row.
-- +goose StatementBegin
CREATE FUNCTION penduduk_pindah_kk() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO riwayat_kk (nik, no_kk, hubungan, sampai) VALUES (OLD.nik, OLD.no_kk, OLD.hubungan, NEW.updated_at);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER penduduk_pindah_kk AFTER UPDATE OF no_kk ON penduduk
    FOR EACH ROW WHEN (OLD.no_kk IS DISTINCT FROM NEW.no_kk) EXECUTE FUNCTION penduduk_pindah_kk();

-- +goose Down
DROP TRIGGER penduduk_pindah_kk ON penduduk;
DROP FUNCTION penduduk_pindah_kk();
