package backup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/store/postgres"
)

// pgDumpMagic starts every pg_dump archive in custom format.
const pgDumpMagic = "PGDMP"

// Postgres dumps the database st (at dsn) with pg_dump in custom format to
// out, from one exported snapshot whose audit head it reads, verifies the
// chain in that snapshot with l, and writes the signed checkpoint of
// the head to CheckpointFile(out). When ikd's tables are in a schema other
// than public (the DSN's search_path), only that schema is dumped.
func Postgres(ctx context.Context, st *postgres.Store, dsn string, l *audit.Log, out string, force bool) (Result, error) {
	start := time.Now()
	pgDump, err := findTool("pg_dump")
	if err != nil {
		return Result{}, err
	}
	if err := checkOut(out, force); err != nil {
		return Result{}, err
	}
	tmp, err := tempBeside(out, ".tmp")
	if err != nil {
		return Result{}, err
	}
	defer os.Remove(tmp)
	snap, err := st.ExportSnapshot(ctx)
	if err != nil {
		return Result{}, err
	}
	args := []string{"--format=custom", "--snapshot=" + snap.ID, "--file=" + tmp}
	if snap.Schema != "public" {
		args = append(args, "--schema="+snap.Schema)
	}
	keyed, err := dumpSnapshot(ctx, snap, l, pgDump, dsn, args)
	snap.Release()
	if err != nil {
		return Result{}, err
	}
	if err := syncFile(tmp); err != nil {
		return Result{}, err
	}
	if err := place(tmp, out, force); err != nil {
		return Result{}, err
	}
	if err := writeCheckpoint(l, out, snap.Head, keyed, force); err != nil {
		return Result{}, err
	}
	info, err := os.Stat(out)
	if err != nil {
		return Result{}, fmt.Errorf("backup %s: %w", out, err)
	}
	return Result{File: out, CheckpointFile: CheckpointFile(out), Head: snap.Head, Bytes: info.Size(), Took: time.Since(start)}, nil
}

// dumpSnapshot runs pg_dump on the snapshot and verifies the audit chain
// the snapshot holds; it returns the chain's first keyed event.
func dumpSnapshot(ctx context.Context, snap *postgres.Snapshot, l *audit.Log, pgDump, dsn string, args []string) (int64, error) {
	if err := runTool(ctx, pgDump, dsn, args); err != nil {
		return 0, err
	}
	res, err := verified(ctx, l, snap, what{"basis data", "the database"})
	if err != nil {
		return 0, err
	}
	return res.KeyedSince, nil
}

// RestorePostgres restores the pg_dump archive from into the database st
// (at dsn), which must hold no ikd table yet, with pg_restore in one
// transaction, without the archive's owners and privileges (grant them
// again with ikd migrate --grant ROLE). The checkpoint is authenticated
// before and the restored chain checked against it after; a restored
// database that fails that check is reported, and must be dropped.
func RestorePostgres(ctx context.Context, st *postgres.Store, dsn, from, checkpointFile string, openLog OpenLog) (Restored, error) {
	pgRestore, err := findTool("pg_restore")
	if err != nil {
		return Restored{}, err
	}
	if err := checkArchive(from); err != nil {
		return Restored{}, err
	}
	if err := checkEmpty(ctx, st); err != nil {
		return Restored{}, err
	}
	if err := checkpointReadable(ctx, checkpointFile, openLog); err != nil {
		return Restored{}, err
	}
	args := []string{"--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges", from}
	if err := runTool(ctx, pgRestore, dsn, args); err != nil {
		return Restored{}, err
	}
	head, err := checkChain(ctx, st, what{"basis data yang dipulihkan", "the restored database"}, checkpointFile, openLog)
	if err != nil {
		return Restored{}, errs.Newf(errs.Conflict,
			"cadangan sudah dipulihkan, tetapi pemeriksaannya gagal; JANGAN pakai basis data ini, hapus (dropdb) dan pulihkan cadangan lain: %[1]s",
			"the backup was restored but does not check out; do NOT use this database, drop it (dropdb) and restore another backup: %[2]s",
			errs.Message(err, "id", err.Error()), errs.Message(err, "en", err.Error()))
	}
	return Restored{Head: head}, nil
}

// checkArchive refuses a file that is missing or not a pg_dump archive in
// custom format.
func checkArchive(from string) error {
	if err := statBackup(from); err != nil {
		return err
	}
	ok, err := hasMagic(from, pgDumpMagic)
	if err != nil {
		return err
	}
	if !ok {
		return errs.Newf(errs.Invalid, "%s bukan arsip pg_dump format custom (bukan cadangan dari ikd backup)",
			"%s is not a pg_dump archive in custom format (not a backup made by ikd backup)", from)
	}
	return nil
}

// checkEmpty refuses a target database that already holds ikd's tables.
func checkEmpty(ctx context.Context, st *postgres.Store) error {
	has, err := st.HasTables(ctx)
	if err != nil {
		return err
	}
	if has {
		return errs.New(errs.Conflict,
			"basis data tujuan sudah berisi tabel ikd; pulihkan ke basis data KOSONG (createdb NAMA), lalu arahkan --database ke sana",
			"the target database already holds ikd's tables; restore into an EMPTY database (createdb NAME), then point --database at it")
	}
	return nil
}

// checkpointReadable authenticates the checkpoint with the audit key
// before anything is restored.
func checkpointReadable(ctx context.Context, file string, openLog OpenLog) error {
	l, err := openLog(ctx, nil)
	if err != nil {
		return err
	}
	_, err = readCheckpoint(l, file)
	return err
}

// findTool looks a PostgreSQL client program up on PATH.
func findTool(name string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return "", errs.Newf(errs.Unavailable,
			"%[1]s tidak ditemukan di PATH; pasang klien PostgreSQL (Debian/Ubuntu: apt install postgresql-client) dengan versi utama server atau lebih baru, "+
				"atau cadangkan sendiri dengan pg_dump --format=custom atau pg_basebackup (lihat docs/operations.md)",
			"%[1]s is not on PATH; install the PostgreSQL client (Debian/Ubuntu: apt install postgresql-client) of the server's major version or newer, "+
				"or back up yourself with pg_dump --format=custom or pg_basebackup (see docs/operations.md)", name)
	}
	return p, nil
}

// runTool runs a PostgreSQL client against dsn. The password goes in
// PGPASSWORD, not on the command line, where other users could read it.
func runTool(ctx context.Context, path, dsn string, args []string) error {
	conn, password, err := splitPassword(dsn)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, path, append([]string{"--dbname=" + conn}, args...)...)
	cmd.Env = os.Environ()
	if password != "" {
		cmd.Env = append(cmd.Env, "PGPASSWORD="+password)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if password != "" {
			msg = strings.ReplaceAll(msg, password, "xxxxx")
		}
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return errs.Newf(errs.Unavailable, "%s gagal: %s", "%s failed: %s", path, msg)
		}
		return fmt.Errorf("run %s: %w", path, err)
	}
	return nil
}

// splitPassword takes the password out of a postgres:// DSN.
func splitPassword(dsn string) (string, string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", "", errs.New(errs.Invalid, "alamat --database PostgreSQL tidak dapat dibaca", "the PostgreSQL --database address cannot be read")
	}
	password, _ := u.User.Password()
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	return u.String(), password, nil
}
