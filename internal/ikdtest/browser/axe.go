package browser

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ikd-project/ikd/internal/ikdtest/nodetest"
)

// Violation is an axe-core finding.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []string `json:"target"`
	} `json:"nodes"`
}

// Axe runs axe-core (npm, installed in interop/node) on the current page
// and fails the test for every serious or critical violation; it returns
// all violations found.
func Axe(t testing.TB, ctx context.Context, page string) []Violation {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(nodetest.Dir(t), "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](string(src)+"\n;true")); err != nil {
		t.Fatalf("load axe-core on %s: %v", page, err)
	}
	run := `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations)`
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](run, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe on %s: %v", page, err)
	}
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("axe, %s: %s (%s): %s %v", page, v.ID, v.Impact, v.Help, v.Nodes)
		}
	}
	return vs
}
