package harness_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/render"
	"github.com/sammatrix/sammatrix/render/harness"
	"github.com/sammatrix/sammatrix/render/internal/rendertest"
)

// The pipeline of the offline demo passes Harness's schema with the strict
// checks.
func TestDemoPipelineSchema(t *testing.T) {
	bin := harness.SchemaChecker(t)
	files := rendertest.DemoFiles(t)
	file := filepath.Join(t.TempDir(), "pipeline.yaml")
	if err := os.WriteFile(file, files[render.PipelineFile], 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-strict", file).CombinedOutput()
	if err != nil || !strings.Contains(string(out), ": valid") {
		t.Errorf("check -strict on the demo's pipeline = %v, want valid:\n%s", err, out)
	}
}
