package main

import (
	"os/exec"
	"slices"
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

// TestMatrixNeedsNoImageReader keeps matrix.yaml's model, lint and rules
// free of the image reader: loading and linting a file must not pull in the
// registry client, the decompressors or the rpm database readers, and the
// rules judge images through package inspect's types alone.
func TestMatrixNeedsNoImageReader(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-test=false", "github.com/sammatrix/sammatrix/matrix").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "gopkg.in/yaml.v3") {
		t.Fatalf("go list -deps matrix = %d packages without gopkg.in/yaml.v3, want matrix's whole dependency graph:\n%s", len(deps), out)
	}
	banned := []string{
		"github.com/google/go-containerregistry/pkg/v1/remote",
		"github.com/klauspost/compress",
		"github.com/knqyf263/go-rpmdb",
		"github.com/glebarez/go-sqlite",
		"modernc.org/sqlite",
		"github.com/sammatrix/sammatrix/inspect/reader",
		"github.com/sammatrix/sammatrix/inspect/scan",
		"github.com/sammatrix/sammatrix/inspect/rpmdb",
		"github.com/sammatrix/sammatrix/inspect/cache",
	}
	for _, d := range deps {
		for _, b := range banned {
			if d == b || strings.HasPrefix(d, b+"/") {
				t.Errorf("package matrix depends on %s; it must not need the image reader", d)
			}
		}
	}
}
