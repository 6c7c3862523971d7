package cli

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/demo"
)

// ikdCmd returns a command that runs this test binary as ikd with args,
// with the given IKD_* settings added to the environment.
func ikdCmd(vars map[string]string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "IKD_TEST_RUN_CLI="+strings.Join(args, "\x1f"))
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// runIkd runs ikd as a subprocess to the end and returns its combined
// output, wall time and peak resident memory in MiB.
func runIkd(tb testing.TB, vars map[string]string, args ...string) (string, time.Duration, float64) {
	tb.Helper()
	cmd := ikdCmd(vars, args...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	elapsed := time.Since(start)
	if err != nil {
		tb.Fatalf("ikd %v: %v\n%s", args, err, out)
	}
	rss := float64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) / 1024
	return string(out), elapsed, rss
}

// demoCSV writes the demo province at scale as a SIAK CSV and returns its
// path and row count.
func demoCSV(tb testing.TB, dir string, scale float64) (string, int) {
	tb.Helper()
	path := filepath.Join(dir, "siak.csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	opts := demo.Options{Seed: 7, Scale: scale, AsOf: demoAsOf}
	if err := demo.WriteCSV(w, opts); err != nil {
		tb.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	return path, demo.Total(opts)
}
