package inspect

import (
	"bytes"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sammatrix/sammatrix/inspect/fixture"
)

func TestParseNodeVersionHeader(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"node's header", "#ifndef SRC_NODE_VERSION_H_\n#define SRC_NODE_VERSION_H_\n\n#define NODE_MAJOR_VERSION 20\n#define NODE_MINOR_VERSION 18\n#define NODE_PATCH_VERSION 1\n\n#define NODE_VERSION_IS_LTS 1\n", "v20.18.1"},
		{"no patch", "#define NODE_MAJOR_VERSION 20\n#define NODE_MINOR_VERSION 18\n", ""},
		{"not a number", "#define NODE_MAJOR_VERSION x\n#define NODE_MINOR_VERSION 1\n#define NODE_PATCH_VERSION 1\n", ""},
		{"empty", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseNodeVersionHeader([]byte(tt.in)); got != tt.want {
				t.Errorf("ParseNodeVersionHeader(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

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
