// Command ikd is the Identitas Kependudukan Digital server and its tools:
// serve, migrate, demo, import, audit verify and version. Run "ikd help".
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	"github.com/ikd-project/ikd/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.OSEnv(term.IsTerminal(int(os.Stderr.Fd()))))
	stop()
	os.Exit(code)
}
