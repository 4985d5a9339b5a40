package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLibrariesDoNotImportCLI keeps the libraries usable without the
// command line: matrix, inspect and render must not depend on the CLI
// framework or on the command's own packages.
func TestLibrariesDoNotImportCLI(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-test=false",
		"github.com/sammatrix/sammatrix/matrix/...",
		"github.com/sammatrix/sammatrix/inspect/...",
		"github.com/sammatrix/sammatrix/render/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps listed %d packages, want the libraries' whole dependency graph:\n%s", len(deps), out)
	}
	for _, d := range deps {
		for _, banned := range []string{"github.com/spf13/cobra", "github.com/spf13/pflag", "github.com/sammatrix/sammatrix/cmd/"} {
			if strings.HasPrefix(d, banned) {
				t.Errorf("the libraries depend on %s; only cmd/sammatrix may", d)
			}
		}
	}
}
