package harness

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// schemaChecker is where the Harness schema checker lives, relative to the
// module root: in a directory shared beside the repository.
const schemaChecker = "../shared/tools/harness-schema-check"

// TestPipelineSchema checks both stage kinds against Harness's pipeline
// schema and the checker's strict rules (identifiers, env values as
// strings, privileged placement, no echoed secret, --password-stdin).
func TestPipelineSchema(t *testing.T) {
	dir := filepath.Join(moduleRoot(t), schemaChecker)
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Skipf("Harness schema check NOT RUN: no checker at %s (%v)", dir, err)
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "harness-schema-check")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the schema checker: %v\n%s", err, out)
	}
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
