-- +goose Up
-- Aggregates for the dashboard, kept up to date in the transaction of the
-- change, so that no page counts millions of rows.
--
-- statistik_penduduk: the living residents (status_nik other than MATI)
-- of each desa, kecamatan and kab/kota by year of birth (2000 stands for
-- every earlier year: they are 17 or more in every year the dashboard
-- shows). Who must hold a KTP (wajib KTP) at the end of year Y is then
-- everyone born in Y-17 or earlier, plus the ever-married younger ones;
-- the counts below give both, with and without a recorded e-KTP.
-- Triggers on penduduk keep it, whatever writes residents (an import, the
-- demo, an officer's edit).
CREATE TABLE statistik_penduduk (
    wilayah_kode TEXT NOT NULL,
    lahir        INTEGER NOT NULL,
    penduduk     INTEGER NOT NULL,
    kawin        INTEGER NOT NULL,
    rekam        INTEGER NOT NULL,
    rekam_kawin  INTEGER NOT NULL,
    PRIMARY KEY (wilayah_kode, lahir)
) WITHOUT ROWID;

-- +goose StatementBegin
CREATE TRIGGER statistik_penduduk_insert AFTER INSERT ON penduduk
WHEN NEW.status_nik <> 'MATI'
BEGIN
    INSERT INTO statistik_penduduk (wilayah_kode, lahir, penduduk, kawin, rekam, rekam_kawin)
    SELECT k, max(CAST(substr(NEW.tanggal_lahir, 1, 4) AS INTEGER), 2000), 1,
           NEW.status_kawin <> 'BELUM KAWIN', NEW.tanggal_perekaman IS NOT NULL,
           NEW.status_kawin <> 'BELUM KAWIN' AND NEW.tanggal_perekaman IS NOT NULL
      FROM (SELECT NEW.desa_kode AS k UNION ALL SELECT substr(NEW.desa_kode, 1, 8) UNION ALL SELECT substr(NEW.desa_kode, 1, 5))
     WHERE true
    ON CONFLICT (wilayah_kode, lahir) DO UPDATE SET penduduk = penduduk + excluded.penduduk,
        kawin = kawin + excluded.kawin, rekam = rekam + excluded.rekam, rekam_kawin = rekam_kawin + excluded.rekam_kawin;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER statistik_penduduk_delete AFTER DELETE ON penduduk
WHEN OLD.status_nik <> 'MATI'
BEGIN
    UPDATE statistik_penduduk SET penduduk = penduduk - 1,
           kawin = kawin - (OLD.status_kawin <> 'BELUM KAWIN'),
           rekam = rekam - (OLD.tanggal_perekaman IS NOT NULL),
           rekam_kawin = rekam_kawin - (OLD.status_kawin <> 'BELUM KAWIN' AND OLD.tanggal_perekaman IS NOT NULL)
     WHERE wilayah_kode IN (OLD.desa_kode, substr(OLD.desa_kode, 1, 8), substr(OLD.desa_kode, 1, 5))
       AND lahir = max(CAST(substr(OLD.tanggal_lahir, 1, 4) AS INTEGER), 2000);
END;
-- +goose StatementEnd

-- An update is the old row taken away and the new one added.
-- +goose StatementBegin
CREATE TRIGGER statistik_penduduk_update_old AFTER UPDATE OF desa_kode, tanggal_lahir, status_kawin, status_nik, tanggal_perekaman ON penduduk
WHEN OLD.status_nik <> 'MATI'
BEGIN
    UPDATE statistik_penduduk SET penduduk = penduduk - 1,
           kawin = kawin - (OLD.status_kawin <> 'BELUM KAWIN'),
           rekam = rekam - (OLD.tanggal_perekaman IS NOT NULL),
           rekam_kawin = rekam_kawin - (OLD.status_kawin <> 'BELUM KAWIN' AND OLD.tanggal_perekaman IS NOT NULL)
     WHERE wilayah_kode IN (OLD.desa_kode, substr(OLD.desa_kode, 1, 8), substr(OLD.desa_kode, 1, 5))
       AND lahir = max(CAST(substr(OLD.tanggal_lahir, 1, 4) AS INTEGER), 2000);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER statistik_penduduk_update_new AFTER UPDATE OF desa_kode, tanggal_lahir, status_kawin, status_nik, tanggal_perekaman ON penduduk
WHEN NEW.status_nik <> 'MATI'
BEGIN
    INSERT INTO statistik_penduduk (wilayah_kode, lahir, penduduk, kawin, rekam, rekam_kawin)
    SELECT k, max(CAST(substr(NEW.tanggal_lahir, 1, 4) AS INTEGER), 2000), 1,
           NEW.status_kawin <> 'BELUM KAWIN', NEW.tanggal_perekaman IS NOT NULL,
           NEW.status_kawin <> 'BELUM KAWIN' AND NEW.tanggal_perekaman IS NOT NULL
      FROM (SELECT NEW.desa_kode AS k UNION ALL SELECT substr(NEW.desa_kode, 1, 8) UNION ALL SELECT substr(NEW.desa_kode, 1, 5))
     WHERE true
    ON CONFLICT (wilayah_kode, lahir) DO UPDATE SET penduduk = penduduk + excluded.penduduk,
        kawin = kawin + excluded.kawin, rekam = rekam + excluded.rekam, rekam_kawin = rekam_kawin + excluded.rekam_kawin;
END;
-- +goose StatementEnd

INSERT INTO statistik_penduduk (wilayah_kode, lahir, penduduk, kawin, rekam, rekam_kawin)
SELECT CASE l.n WHEN 0 THEN p.desa_kode WHEN 1 THEN substr(p.desa_kode, 1, 8) ELSE substr(p.desa_kode, 1, 5) END,
       p.lahir, count(*), sum(p.kawin), sum(p.rekam), sum(p.kawin * p.rekam)
  FROM (SELECT desa_kode, max(CAST(substr(tanggal_lahir, 1, 4) AS INTEGER), 2000) AS lahir,
               status_kawin <> 'BELUM KAWIN' AS kawin, tanggal_perekaman IS NOT NULL AS rekam
          FROM penduduk WHERE status_nik <> 'MATI') p
 CROSS JOIN (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2) l
 WHERE true
 GROUP BY 1, 2;

-- statistik_aktivasi: finished activations per week (minggu: its Monday)
-- per desa, kecamatan, kab/kota and the province, by the resident's home;
-- statistik_aktivasi_kantor: the same per office that did them. The store
-- adds to both when an activation finishes, in its transaction.
CREATE TABLE statistik_aktivasi (
    wilayah_kode TEXT NOT NULL,
    minggu       DATE NOT NULL,
    jumlah       INTEGER NOT NULL,
    PRIMARY KEY (wilayah_kode, minggu)
) WITHOUT ROWID;
CREATE TABLE statistik_aktivasi_kantor (
    kantor_kode TEXT NOT NULL,
    minggu      DATE NOT NULL,
    jumlah      INTEGER NOT NULL,
    PRIMARY KEY (kantor_kode, minggu)
) WITHOUT ROWID;

-- The activations finished before this version.
INSERT INTO statistik_aktivasi (wilayah_kode, minggu, jumlah)
SELECT CASE l.n WHEN 0 THEN p.desa_kode WHEN 1 THEN substr(p.desa_kode, 1, 8) WHEN 2 THEN substr(p.desa_kode, 1, 5) ELSE substr(p.desa_kode, 1, 2) END,
       date(substr(a.updated_at, 1, 19), '+7 hours', '-6 days', 'weekday 1'), count(*)
  FROM aktivasi a JOIN penduduk p ON p.nik = a.nik
 CROSS JOIN (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) l
 WHERE a.state = 'SELESAI'
 GROUP BY 1, 2;
INSERT INTO statistik_aktivasi_kantor (kantor_kode, minggu, jumlah)
SELECT kantor_kode, date(substr(updated_at, 1, 19), '+7 hours', '-6 days', 'weekday 1'), count(*)
  FROM aktivasi WHERE state = 'SELESAI'
 GROUP BY 1, 2;

-- The dashboard's open requests per office, without reading the
-- finished ones.
CREATE INDEX permohonan_terbuka ON permohonan (kantor_kode, batas_at) WHERE state NOT IN ('SELESAI', 'DITOLAK');

-- +goose Down
DROP INDEX permohonan_terbuka;
DROP TABLE statistik_aktivasi_kantor;
DROP TABLE statistik_aktivasi;
DROP TRIGGER statistik_penduduk_update_new;
DROP TRIGGER statistik_penduduk_update_old;
DROP TRIGGER statistik_penduduk_delete;
DROP TRIGGER statistik_penduduk_insert;
DROP TABLE statistik_penduduk;
