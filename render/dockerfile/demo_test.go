package dockerfile_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/reader"
	"github.com/sammatrix/sammatrix/matrix"
	"github.com/sammatrix/sammatrix/render"
	"github.com/sammatrix/sammatrix/render/dockerfile"
)

// demoFiles renders the offline demo's every pair, compatible or not, as
// render --force writes them.
func demoFiles(t *testing.T) render.Files {
	t.Helper()
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
	return files
}

// Every Dockerfile of the demo parses as BuildKit parses it, and BuildKit's
// linter finds nothing in it.
func TestDemoDockerfilesLintClean(t *testing.T) {
	files := demoFiles(t)
	n := 0
	for _, name := range files.Names() {
		if !strings.HasSuffix(name, "/Dockerfile") {
			continue
		}
		n++
		stages, problems := dockerfile.ParseDockerfile(files[name])
		if len(problems) > 0 {
			t.Errorf("%s: BuildKit reports %q", name, problems)
		}
		if len(stages) < 4 || stages[2].Name != "base" {
			t.Errorf("%s: %d stages, want the Node.js and plugin stages, base and a Serverless target", name, len(stages))
		}
		for _, s := range stages {
			if s.BaseName != "base" && !strings.Contains(s.BaseName, "@sha256:") {
				t.Errorf("%s: stage %s starts FROM %s, not pinned by digest", name, s.Name, s.BaseName)
			}
		}
	}
	if n != 13 {
		t.Errorf("the demo rendered %d Dockerfiles, want 13", n)
	}
}
