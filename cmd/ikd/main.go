// Command ikd is the Identitas Kependudukan Digital server and its tools:
// serve, migrate, demo, import, audit verify and version. Run "ikd help".
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"golang.org/x/term"

	"github.com/ikd-project/ikd/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile := startProfile(os.Getenv("IKD_CPUPROFILE"))
	code := cli.Main(ctx, os.Args[1:], cli.OSEnv(term.IsTerminal(int(os.Stderr.Fd()))))
	stopProfile()
	stop()
	os.Exit(code)
}

// startProfile writes a CPU profile to path (for performance work:
// IKD_CPUPROFILE=cpu.out ikd import ...); an empty path does nothing.
func startProfile(path string) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		return func() {}
	}
	pprof.StartCPUProfile(f)
	return func() { pprof.StopCPUProfile(); f.Close() }
}
