package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/ikd-project/ikd/internal/app"
	"github.com/ikd-project/ikd/internal/atomicfile"
	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/store"
)

const auditUsage = "Usage: ikd audit verify [--checkpoint FILE] | ikd audit checkpoint [--out FILE] | ikd audit accept-restore"

// runAudit checks the audit log's chain (verify) or writes a signed head
// of it to keep elsewhere (checkpoint), or accepts the log as it now is
// after a deliberate restore from a backup (accept-restore).
func runAudit(ctx context.Context, env *Env, args []string) error {
	sub, fs, err := subcommand(env, "audit", auditUsage, args, "verify", "checkpoint", "accept-restore")
	if err != nil {
		return err
	}
	cfg := config.Defaults()
	cfg.Register(fs, env.Getenv, "database", "data-dir", "log", "lang")
	checkpoint := fs.String("checkpoint", "", "verify: also check that the log still holds the head in this file (from ikd audit checkpoint)")
	out := fs.String("out", "", "checkpoint: write the checkpoint to this file as well as to the output")
	if _, err := setup(env, fs, &cfg, args[1:]); err != nil {
		return err
	}
	st, err := app.OpenStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Ready(ctx); err != nil {
		return err
	}
	if sub == "accept-restore" {
		return acceptRestore(ctx, env, &cfg, st)
	}
	log, err := app.OpenAuditLog(ctx, &cfg, st)
	if err != nil {
		return err
	}
	if sub == "checkpoint" {
		return writeCheckpoint(ctx, env, st, log, *out)
	}
	return verifyAudit(ctx, env, st, log, audit.ChainFile(cfg.AuditKeyFile), *checkpoint)
}

// verifyAudit walks the chain, and compares it with a checkpoint file when
// one is given.
func verifyAudit(ctx context.Context, env *Env, st store.Store, log *audit.Log, chainFile, checkpointFile string) error {
	res, err := log.Verify(ctx, st, nil)
	if err != nil {
		return err
	}
	if checkpointFile != "" {
		problems, err := checkAgainst(ctx, st, log, res, checkpointFile)
		if err != nil {
			return err
		}
		res.Problems = append(res.Problems, problems...)
	}
	for _, p := range res.Problems {
		fmt.Fprintln(env.Stdout, p)
	}
	printChainMode(env, res)
	if markerTampered(res) {
		return errs.Newf(errs.Conflict,
			"log audit RUSAK: penanda rantai (meta %s) hilang, dipindah atau diubah, padahal %s mencatat rantai berkunci sejak kejadian %d; "+
				"rantai berkunci mungkin diturunkan ke SHA-256 biasa (%d masalah dalam %d kejadian)",
			"audit log TAMPERED: the chain marker (meta %s) is missing, moved or altered, but %s records the chain keyed from event %d; "+
				"the keyed chain may have been downgraded to plain SHA-256 (%d problems in %d events)",
			audit.ChainMeta, chainFile, res.Bound, len(res.Problems), res.Events)
	}
	if len(res.Problems) > 0 {
		return errs.Newf(errs.Conflict, "log audit RUSAK: %d masalah dalam %d kejadian", "audit log TAMPERED: %d problems in %d events",
			len(res.Problems), res.Events)
	}
	fmt.Fprintf(env.Stdout, "log audit utuh: %d kejadian, rantai hash sesuai / audit log intact: %d events, hash chain matches\n", res.Events, res.Events)
	if checkpointFile != "" {
		fmt.Fprintf(env.Stdout, "checkpoint %s cocok / checkpoint %s matches\n", checkpointFile, checkpointFile)
	}
	return nil
}

// checkAgainst reads a checkpoint file and compares the verified log with it.
func checkAgainst(ctx context.Context, st store.Store, log *audit.Log, res audit.Result, file string) ([]audit.Problem, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, errs.Newf(errs.Invalid, "checkpoint %s tidak dapat dibaca: %v", "checkpoint %s cannot be read: %v", file, err)
	}
	c, err := log.ParseCheckpoint(string(b))
	if err != nil {
		return nil, errs.Newf(errs.Invalid, "checkpoint %s tidak sah: %v", "checkpoint %s is not valid: %v", file, err)
	}
	return log.CheckCheckpoint(ctx, st, res, c)
}

// writeCheckpoint signs the head of an intact chain; a broken chain gets no
// checkpoint, which would vouch for it.
func writeCheckpoint(ctx context.Context, env *Env, st store.Store, log *audit.Log, out string) error {
	res, err := log.Verify(ctx, st, nil)
	if err != nil {
		return err
	}
	if len(res.Problems) > 0 {
		for _, p := range res.Problems {
			fmt.Fprintln(env.Stdout, p)
		}
		return errs.Newf(errs.Conflict, "log audit RUSAK (%d masalah): checkpoint tidak dibuat", "audit log TAMPERED (%d problems): no checkpoint written",
			len(res.Problems))
	}
	line := log.SignCheckpoint(audit.Checkpoint{Seq: res.Head.Seq, Hash: res.Head.Hash, KeyedSince: res.KeyedSince, At: time.Now()})
	if out != "" {
		if err := atomicfile.Write(out, []byte(line+"\n"), 0o600); err != nil {
			return fmt.Errorf("write checkpoint %s: %w", out, err)
		}
	}
	fmt.Fprintln(env.Stdout, line)
	fmt.Fprintf(env.Stderr, "simpan baris ini di luar server; periksa dengan ikd audit verify --checkpoint FILE / "+
		"keep this line off the server; check it with ikd audit verify --checkpoint FILE\n")
	return nil
}

// markerTampered reports whether the database's chain marker disagrees with
// the chain file, which records outside the database from which event the
// chain is keyed.
func markerTampered(res audit.Result) bool {
	if res.Bound == 0 {
		return false
	}
	for _, p := range res.Problems {
		if p.Kind == audit.BadMarker && p.Seq == 0 {
			return true
		}
	}
	return false
}

// printChainMode says how the chain is hashed and where it ends.
func printChainMode(env *Env, res audit.Result) {
	switch {
	case res.KeyedSince == 0 && res.Events > 0:
		fmt.Fprintln(env.Stdout, "PERINGATAN: rantai belum berkunci (SHA-256 biasa); jalankan ikd serve sekali untuk menguncinya / "+
			"WARNING: the chain is not keyed (plain SHA-256); start ikd serve once to key it")
	case res.KeyedSince > 1:
		fmt.Fprintf(env.Stdout, "kejadian 1-%d: SHA-256 biasa (versi lama); sejak kejadian %d: HMAC-SHA256 / "+
			"events 1-%d: plain SHA-256 (earlier version); from event %d: HMAC-SHA256\n",
			res.KeyedSince-1, res.KeyedSince, res.KeyedSince-1, res.KeyedSince)
	}
	fmt.Fprintf(env.Stdout, "ujung rantai / head: seq %d hash %s\n", res.Head.Seq, res.Head.Hash)
}

// acceptRestore records the restored database's audit head as the highest
// event seen (app.AcceptRestore), so that ikd starts on it again.
func acceptRestore(ctx context.Context, env *Env, cfg *config.Config, st store.Store) error {
	head, err := app.AcceptRestore(ctx, cfg, st)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "pemulihan diterima: log audit kini berakhir pada kejadian %d; periksa dengan ikd audit verify / "+
		"restore accepted: the audit log now ends at event %d; check it with ikd audit verify\n", head, head)
	return nil
}
