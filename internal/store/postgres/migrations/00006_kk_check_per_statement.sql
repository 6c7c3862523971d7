-- +goose Up
-- A resident's family card is checked once per statement instead of once
-- per row. The foreign key penduduk.no_kk -> kartu_keluarga ran a lookup
-- and a row lock for every resident written, about half the time of a bulk
-- load; these triggers check the statement's rows with one anti-join each,
-- and fail with the same SQLSTATE (23503, foreign_key_violation).
--
-- What the foreign key also did and these do not: lock the family card
-- against a concurrent delete. Nothing in ikd deletes family cards; the
-- delete trigger below still refuses a delete that strands a resident.
ALTER TABLE penduduk DROP CONSTRAINT penduduk_no_kk_fkey;

-- +goose StatementBegin
CREATE FUNCTION penduduk_kk_exists() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM penduduk_rows n
     WHERE NOT EXISTS (SELECT 1 FROM kartu_keluarga k WHERE k.no_kk = n.no_kk) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'penduduk refers to a kartu_keluarga that does not exist'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER penduduk_kk_insert AFTER INSERT ON penduduk
    REFERENCING NEW TABLE AS penduduk_rows FOR EACH STATEMENT EXECUTE FUNCTION penduduk_kk_exists();
CREATE TRIGGER penduduk_kk_update AFTER UPDATE ON penduduk
    REFERENCING NEW TABLE AS penduduk_rows FOR EACH STATEMENT EXECUTE FUNCTION penduduk_kk_exists();

-- +goose StatementBegin
CREATE FUNCTION kartu_keluarga_unreferenced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM kk_rows o
     WHERE NOT EXISTS (SELECT 1 FROM kartu_keluarga k WHERE k.no_kk = o.no_kk)
       AND EXISTS (SELECT 1 FROM penduduk p WHERE p.no_kk = o.no_kk) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'kartu_keluarga still has residents'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER kartu_keluarga_delete AFTER DELETE ON kartu_keluarga
    REFERENCING OLD TABLE AS kk_rows FOR EACH STATEMENT EXECUTE FUNCTION kartu_keluarga_unreferenced();
CREATE TRIGGER kartu_keluarga_update AFTER UPDATE ON kartu_keluarga
    REFERENCING OLD TABLE AS kk_rows FOR EACH STATEMENT EXECUTE FUNCTION kartu_keluarga_unreferenced();

-- +goose Down
DROP TRIGGER kartu_keluarga_update ON kartu_keluarga;
DROP TRIGGER kartu_keluarga_delete ON kartu_keluarga;
DROP FUNCTION kartu_keluarga_unreferenced();
DROP TRIGGER penduduk_kk_update ON penduduk;
DROP TRIGGER penduduk_kk_insert ON penduduk;
DROP FUNCTION penduduk_kk_exists();
ALTER TABLE penduduk ADD CONSTRAINT penduduk_no_kk_fkey FOREIGN KEY (no_kk) REFERENCES kartu_keluarga (no_kk);
