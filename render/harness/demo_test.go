package harness_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/reader"
	"github.com/sammatrix/sammatrix/matrix"
	"github.com/sammatrix/sammatrix/render"
	"github.com/sammatrix/sammatrix/render/harness"
)

// The pipeline of the offline demo passes Harness's schema with the strict
// checks.
func TestDemoPipelineSchema(t *testing.T) {
	bin := harness.SchemaChecker(t)
	f, fs, err := matrix.Load(filepath.Join("..", "..", "testdata", "demo", "matrix.yaml"))
	if err != nil || matrix.HasSchemaErrors(fs) {
		t.Fatalf("loading the demo: %v %v", err, fs)
	}
	in, err := reader.New(reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pins, _, err := render.Pin(context.Background(), f, in, nil, false)
	if err != nil {
		t.Fatalf("pinning the demo's images: %v", err)
	}
	files, err := render.Generate(f, pins, nil)
	if err != nil {
		t.Fatalf("rendering the demo: %v", err)
	}
	file := filepath.Join(t.TempDir(), "pipeline.yaml")
	if err := os.WriteFile(file, files[render.PipelineFile], 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-strict", file).CombinedOutput()
	if err != nil || !strings.Contains(string(out), ": valid") {
		t.Errorf("check -strict on the demo's pipeline = %v, want valid:\n%s", err, out)
	}
}
