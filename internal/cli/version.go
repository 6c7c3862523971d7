package cli

import (
	"context"
	"fmt"
	"runtime/debug"
)

// Version returns the module version and VCS revision the binary was built
// from.
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v += " " + s.Value
		case "vcs.modified":
			if s.Value == "true" {
				v += "+dirty"
			}
		}
	}
	return v + " " + info.GoVersion
}

func runVersion(_ context.Context, env *Env, _ []string) error {
	fmt.Fprintln(env.Stdout, "ikd", Version())
	return nil
}
