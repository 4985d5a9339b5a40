package reader

import (
	"bytes"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sammatrix/sammatrix/inspect/fixture"
)

// A node whose binary carries no release string still gets its version,
// from the header installed next to it.
func TestNodeVersionFromHeader(t *testing.T) {
	node := bytes.ReplaceAll(input(t, "elf/node20/node"), []byte("node/v20.18.1"), []byte("xxxx/v20.18.1"))
	header := []byte("#define NODE_MAJOR_VERSION 20\n#define NODE_MINOR_VERSION 18\n#define NODE_PATCH_VERSION 1\n")
	for _, tc := range []struct {
		name  string
		files []fixture.File
		want  string
	}{
		{"header", []fixture.File{reg("var/lang/bin/node", node), reg("var/lang/include/node/node_version.h", header)}, "v20.18.1"},
		{"no header", []fixture.File{reg("var/lang/bin/node", node)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := image(t, fixture.WithParents(tc.files))
			dir := writeLayout(t, map[string]v1.Image{"t": img})
			got := mustInspect(t, newInspector(t, Options{}), "oci:"+dir+":t").Facts.Node
			if got == nil || got.Version != tc.want {
				t.Errorf("Inspect(node without a release string, %s).Facts.Node = %+v, want version %q", tc.name, got, tc.want)
			}
		})
	}
}
