package harness

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// schemaCheckerDir is where the Harness schema checker lives, relative to the
// module root: in a directory shared beside the repository.
const schemaCheckerDir = "../shared/tools/harness-schema-check"

// TestPipelineSchema checks both stage kinds against Harness's pipeline
// schema and the checker's strict rules (identifiers, env values as
// strings, privileged placement, no echoed secret, --password-stdin).
func TestPipelineSchema(t *testing.T) {
	bin := schemaChecker(t)
	tmp := t.TempDir()
	for _, tc := range []struct{ name, matrix string }{
		{"deployment", testMatrix},
		{"custom", customMatrix},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(tmp, tc.name+".yaml")
			if err := os.WriteFile(file, render(t, tc.matrix), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(bin, "-strict", file).CombinedOutput()
			if err != nil || !strings.Contains(string(out), ": valid") {
				t.Errorf("check -strict %s.yaml = %v, want valid:\n%s", tc.name, err, out)
			}
		})
	}
}

// schemaChecker builds the Harness schema checker and returns its path. It
// skips the test with a visible message where the checker is absent, and
// fails instead in CI, where it must be there.
func schemaChecker(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(moduleRoot(t), schemaCheckerDir)
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Harness schema check: no checker at %s in CI (%v)", dir, err)
		}
		t.Skipf("Harness schema check NOT RUN: no checker at %s (%v)", dir, err)
	}
	bin := filepath.Join(t.TempDir(), "harness-schema-check")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the schema checker: %v\n%s", err, out)
	}
	return bin
}
