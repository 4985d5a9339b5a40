// Package rendertest gives the tests of render's packages the offline
// demo, rendered.
package rendertest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/fixture"
	"github.com/sammatrix/sammatrix/inspect/reader"
	"github.com/sammatrix/sammatrix/matrix"
	"github.com/sammatrix/sammatrix/render"
)

// DemoFiles renders every pair of the offline demo (testdata/demo),
// compatible or not, as render --force writes them.
func DemoFiles(t testing.TB) render.Files {
	t.Helper()
	f, fs, err := matrix.Load(filepath.Join(fixture.Inputs(), "..", "demo", "matrix.yaml"))
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
	return files
}
