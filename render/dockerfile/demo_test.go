package dockerfile_test

import (
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/render/dockerfile"
	"github.com/sammatrix/sammatrix/render/internal/rendertest"
)

// Every Dockerfile of the demo parses as BuildKit parses it, and BuildKit's
// linter finds nothing in it.
func TestDemoDockerfilesLintClean(t *testing.T) {
	files := rendertest.DemoFiles(t)
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
