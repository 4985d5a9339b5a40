package matrix

import (
	"fmt"

	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/fstree"
	"github.com/sammatrix/sammatrix/inspect/ldso"
)

// BuiltPATHPrefix is what the Dockerfile's ENV puts in front of PATH.
const BuiltPATHPrefix = "/var/lang/bin:/opt/bin:"

// Built is the simulated result of building a pair: the runtime image with
// the Node.js image's /var/lang and /opt copied on top.
type Built struct {
	Runtime, NodeJS *inspect.Image
	Tree            *fstree.Tree
	// Env is the runtime image's config Env after the Dockerfile's ENV PATH.
	Env map[string]string
	// Loader is the dynamic loader of the built image, with its Env.
	Loader *ldso.Loader
	// LDSoConf are the directories of the built image's /etc/ld.so.conf.
	LDSoConf []string
	// Replaced lists what the COPYs replaced.
	Replaced []fstree.Replaced
	// CopyLayer is the layer number of the first COPY: nodes with a Layer
	// at or above it came from the Node.js image.
	CopyLayer int
	// Missing lists copied directories the Node.js image lacks (the COPY
	// would fail).
	Missing []string
}

// SimulateBuild simulates the Dockerfile on the two inspected images. It never
// changes their trees.
func SimulateBuild(runtime, nodejs *inspect.Image) (*Built, error) {
	b := &Built{
		Runtime:   runtime,
		NodeJS:    nodejs,
		Tree:      runtime.Tree.Clone(),
		Env:       inspect.Env(runtime.Config.Config.Env),
		CopyLayer: len(runtime.Layers),
	}
	for i, dir := range inspect.CopiedTrees {
		if _, n, err := nodejs.Tree.Resolve(dir); err != nil || !n.IsDir() {
			b.Missing = append(b.Missing, dir)
			continue
		}
		r, err := b.Tree.Copy(nodejs.Tree, dir, dir, b.CopyLayer+i)
		if err != nil {
			return nil, fmt.Errorf("simulating COPY --from=nodejs %s %s: %w", dir, dir, err)
		}
		b.Replaced = append(b.Replaced, r...)
	}
	b.Env["PATH"] = BuiltPATHPrefix + b.Env["PATH"]
	b.Loader = ldso.New(b.Tree, b.Env["LD_LIBRARY_PATH"])
	b.LDSoConf = b.Loader.ConfDirs()
	return b, nil
}

// FromNodeJS reports whether a node of the built tree came from the Node.js image.
func (b *Built) FromNodeJS(n *fstree.Node) bool { return n.Layer >= b.CopyLayer }

// Origin names the image and layer a node of the built tree came from.
func (b *Built) Origin(n *fstree.Node) (image, layer string) {
	if b.FromNodeJS(n) {
		// The copy keeps entries but not their source layer; find it in the Node.js image.
		if _, src, err := b.NodeJS.Tree.Resolve(n.Entry.Path); err == nil && src.Layer < len(b.NodeJS.Layers) {
			return b.NodeJS.Ref.String(), b.NodeJS.Layers[src.Layer].Digest.String()
		}
		return b.NodeJS.Ref.String(), ""
	}
	if n.Layer >= 0 && n.Layer < len(b.Runtime.Layers) {
		return b.Runtime.Ref.String(), b.Runtime.Layers[n.Layer].Digest.String()
	}
	return b.Runtime.Ref.String(), ""
}
