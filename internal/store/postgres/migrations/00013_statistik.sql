-- +goose Up
-- Aggregates for the dashboard, kept up to date in the transaction of the
-- change, so that no page counts millions of rows. The tables are those of
-- the SQLite schema (see its 00013 for what each count means).
--
-- statistik_penduduk is kept by statement triggers on penduduk that read
-- the statement's rows (transition tables) and add them up in one
-- set-based upsert: a COPY of a batch costs one grouped insert, not one
-- update per row. The upsert takes its rows in key order, so that two
-- transactions lock shared rows in the same order.
CREATE TABLE statistik_penduduk (
    wilayah_kode TEXT COLLATE "C" NOT NULL,
    lahir        INTEGER NOT NULL,
    penduduk     INTEGER NOT NULL,
    kawin        INTEGER NOT NULL,
    rekam        INTEGER NOT NULL,
    rekam_kawin  INTEGER NOT NULL,
    PRIMARY KEY (wilayah_kode, lahir)
);

-- +goose StatementBegin
CREATE FUNCTION statistik_penduduk_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO statistik_penduduk AS s (wilayah_kode, lahir, penduduk, kawin, rekam, rekam_kawin)
    SELECT k, lahir, count(*), count(*) FILTER (WHERE kawin), count(*) FILTER (WHERE rekam), count(*) FILTER (WHERE kawin AND rekam)
      FROM (SELECT desa_kode, greatest(extract(year FROM tanggal_lahir)::int, 2000) AS lahir,
                   status_kawin <> 'BELUM KAWIN' AS kawin, tanggal_perekaman IS NOT NULL AS rekam
              FROM baru WHERE status_nik <> 'MATI') p
     CROSS JOIN LATERAL (VALUES (desa_kode), (substr(desa_kode, 1, 8)), (substr(desa_kode, 1, 5))) v(k)
     GROUP BY k, lahir ORDER BY k, lahir
    ON CONFLICT (wilayah_kode, lahir) DO UPDATE SET penduduk = s.penduduk + excluded.penduduk,
        kawin = s.kawin + excluded.kawin, rekam = s.rekam + excluded.rekam, rekam_kawin = s.rekam_kawin + excluded.rekam_kawin;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION statistik_penduduk_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO statistik_penduduk AS s (wilayah_kode, lahir, penduduk, kawin, rekam, rekam_kawin)
    SELECT k, lahir, -count(*), -count(*) FILTER (WHERE kawin), -count(*) FILTER (WHERE rekam), -count(*) FILTER (WHERE kawin AND rekam)
      FROM (SELECT desa_kode, greatest(extract(year FROM tanggal_lahir)::int, 2000) AS lahir,
                   status_kawin <> 'BELUM KAWIN' AS kawin, tanggal_perekaman IS NOT NULL AS rekam
              FROM lama WHERE status_nik <> 'MATI') p
     CROSS JOIN LATERAL (VALUES (desa_kode), (substr(desa_kode, 1, 8)), (substr(desa_kode, 1, 5))) v(k)
     GROUP BY k, lahir ORDER BY k, lahir
    ON CONFLICT (wilayah_kode, lahir) DO UPDATE SET penduduk = s.penduduk + excluded.penduduk,
        kawin = s.kawin + excluded.kawin, rekam = s.rekam + excluded.rekam, rekam_kawin = s.rekam_kawin + excluded.rekam_kawin;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- An update is the old rows taken away and the new ones added; rows whose
-- counted columns did not change cancel out before anything is written.
-- +goose StatementBegin
CREATE FUNCTION statistik_penduduk_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO statistik_penduduk AS s (wilayah_kode, lahir, penduduk, kawin, rekam, rekam_kawin)
    SELECT k, lahir, sum(d), sum(d * kawin), sum(d * rekam), sum(d * kawin * rekam)
      FROM (SELECT desa_kode, greatest(extract(year FROM tanggal_lahir)::int, 2000) AS lahir,
                   (status_kawin <> 'BELUM KAWIN')::int AS kawin, (tanggal_perekaman IS NOT NULL)::int AS rekam, -1 AS d
              FROM lama WHERE status_nik <> 'MATI'
            UNION ALL
            SELECT desa_kode, greatest(extract(year FROM tanggal_lahir)::int, 2000),
                   (status_kawin <> 'BELUM KAWIN')::int, (tanggal_perekaman IS NOT NULL)::int, 1
              FROM baru WHERE status_nik <> 'MATI') p
     CROSS JOIN LATERAL (VALUES (desa_kode), (substr(desa_kode, 1, 8)), (substr(desa_kode, 1, 5))) v(k)
     GROUP BY k, lahir
    HAVING sum(d) <> 0 OR sum(d * kawin) <> 0 OR sum(d * rekam) <> 0 OR sum(d * kawin * rekam) <> 0
     ORDER BY k, lahir
    ON CONFLICT (wilayah_kode, lahir) DO UPDATE SET penduduk = s.penduduk + excluded.penduduk,
        kawin = s.kawin + excluded.kawin, rekam = s.rekam + excluded.rekam, rekam_kawin = s.rekam_kawin + excluded.rekam_kawin;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER statistik_penduduk_insert AFTER INSERT ON penduduk
    REFERENCING NEW TABLE AS baru FOR EACH STATEMENT EXECUTE FUNCTION statistik_penduduk_insert();
CREATE TRIGGER statistik_penduduk_update AFTER UPDATE ON penduduk
    REFERENCING OLD TABLE AS lama NEW TABLE AS baru FOR EACH STATEMENT EXECUTE FUNCTION statistik_penduduk_update();
CREATE TRIGGER statistik_penduduk_delete AFTER DELETE ON penduduk
    REFERENCING OLD TABLE AS lama FOR EACH STATEMENT EXECUTE FUNCTION statistik_penduduk_delete();

-- Pinned search_path, as for the triggers of 00006.
-- +goose StatementBegin
DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION statistik_penduduk_insert() SET search_path = pg_catalog, %I, pg_temp', current_schema());
    EXECUTE format('ALTER FUNCTION statistik_penduduk_update() SET search_path = pg_catalog, %I, pg_temp', current_schema());
    EXECUTE format('ALTER FUNCTION statistik_penduduk_delete() SET search_path = pg_catalog, %I, pg_temp', current_schema());
END;
$$;
-- +goose StatementEnd

INSERT INTO statistik_penduduk (wilayah_kode, lahir, penduduk, kawin, rekam, rekam_kawin)
SELECT k, lahir, count(*), count(*) FILTER (WHERE kawin), count(*) FILTER (WHERE rekam), count(*) FILTER (WHERE kawin AND rekam)
  FROM (SELECT desa_kode, greatest(extract(year FROM tanggal_lahir)::int, 2000) AS lahir,
               status_kawin <> 'BELUM KAWIN' AS kawin, tanggal_perekaman IS NOT NULL AS rekam
          FROM penduduk WHERE status_nik <> 'MATI') p
 CROSS JOIN LATERAL (VALUES (desa_kode), (substr(desa_kode, 1, 8)), (substr(desa_kode, 1, 5))) v(k)
 GROUP BY k, lahir;

CREATE TABLE statistik_aktivasi (
    wilayah_kode TEXT COLLATE "C" NOT NULL,
    minggu       DATE NOT NULL,
    jumlah       INTEGER NOT NULL,
    PRIMARY KEY (wilayah_kode, minggu)
);
CREATE TABLE statistik_aktivasi_kantor (
    kantor_kode TEXT NOT NULL,
    minggu      DATE NOT NULL,
    jumlah      INTEGER NOT NULL,
    PRIMARY KEY (kantor_kode, minggu)
);

-- The activations finished before this version.
INSERT INTO statistik_aktivasi (wilayah_kode, minggu, jumlah)
SELECT k, date_trunc('week', a.updated_at AT TIME ZONE 'Asia/Jakarta')::date, count(*)
  FROM aktivasi a JOIN penduduk p ON p.nik = a.nik
 CROSS JOIN LATERAL (VALUES (p.desa_kode), (substr(p.desa_kode, 1, 8)), (substr(p.desa_kode, 1, 5)), (substr(p.desa_kode, 1, 2))) v(k)
 WHERE a.state = 'SELESAI'
 GROUP BY 1, 2;
INSERT INTO statistik_aktivasi_kantor (kantor_kode, minggu, jumlah)
SELECT kantor_kode, date_trunc('week', updated_at AT TIME ZONE 'Asia/Jakarta')::date, count(*)
  FROM aktivasi WHERE state = 'SELESAI'
 GROUP BY 1, 2;

-- The dashboard's open requests per office, without reading the
-- finished ones.
CREATE INDEX permohonan_terbuka ON permohonan (kantor_kode, batas_at) WHERE state NOT IN ('SELESAI', 'DITOLAK');

-- +goose Down
DROP INDEX permohonan_terbuka;
DROP TABLE statistik_aktivasi_kantor;
DROP TABLE statistik_aktivasi;
DROP TRIGGER statistik_penduduk_delete ON penduduk;
DROP TRIGGER statistik_penduduk_update ON penduduk;
DROP TRIGGER statistik_penduduk_insert ON penduduk;
DROP FUNCTION statistik_penduduk_delete();
DROP FUNCTION statistik_penduduk_update();
DROP FUNCTION statistik_penduduk_insert();
DROP TABLE statistik_penduduk;
