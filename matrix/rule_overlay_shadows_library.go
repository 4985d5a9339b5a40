package matrix

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sammatrix/sammatrix/inspect/fstree"
	"github.com/sammatrix/sammatrix/inspect/layer"
)

// RuleOverlayShadowsLibrary: a copied library breaks the runtime's own programs.
const RuleOverlayShadowsLibrary = "overlay-shadows-library"

func init() {
	register(Rule{
		ID:      RuleOverlayShadowsLibrary,
		Default: Error,
		Summary: "a library the COPY adds or replaces is loaded by the runtime's own programs and libraries under `/var/lang` and `/opt` (python, libpython and its extension modules, java, libjvm, ruby…) and lacks a version they need — node 20+ puts its own `libssl.so.3` first on `LD_LIBRARY_PATH`",
		Help:    "Pick a Node.js image whose private libraries are at least as new as the runtime's, or delete them from `/var/lang/lib` after the COPY.",
		Side:    PairOfImages,
		Check:   checkShadows,
	})
}

// checkShadows: the runtime's own programs and libraries under /var/lang
// and /opt must still load in the built image. A library that the COPY
// added or replaced and that lacks a version they need breaks them.
func checkShadows(c *check) []problem {
	if c.built == nil {
		return nil
	}
	// Hard links give one program several names: report it once.
	type key struct{ object, lib string }
	seen := map[key]bool{}
	var out []problem
	for _, dir := range c.built.Recipe.Trees() {
		var objects []string
		_ = c.runtime.Tree.Walk(dir, func(p string, n *fstree.Node) error {
			if n.Entry.Kind == layer.File && n.Entry.ELF != nil {
				objects = append(objects, p)
			}
			return nil
		})
		for _, obj := range objects {
			// An object the COPY itself replaced is no longer the runtime's.
			if n, ok := c.built.Tree.Lookup(obj); !ok || c.built.FromNodeJS(n) {
				continue
			}
			res, err := c.built.Loader.Load(obj)
			if err != nil {
				continue
			}
			for _, pr := range res.Problems {
				id := pr.Object
				if _, n, err := c.built.Tree.Resolve(pr.Object); err == nil && n.Entry.Fingerprint != "" {
					id = n.Entry.Fingerprint
				}
				if pr.NotFound() || !c.built.FromNodeJS(pr.Lib.Node) || seen[key{id, pr.Lib.Path}] {
					continue
				}
				seen[key{id, pr.Lib.Path}] = true
				img, layer := c.built.Origin(pr.Lib.Node)
				out = append(out, problem{fmt.Sprintf("the runtime's %s needs %s from %s; the COPY put the Node.js image's %s first on the library path, which %s",
					pr.Object, strings.Join(pr.Missing, ", "), pr.Name, pr.Lib.Path, highest(pr.Defines, pr.Missing)),
					&Evidence{Image: img, Path: pr.Lib.Path, Layer: layer, Expected: strings.Join(pr.Missing, " "), Found: base(pr.Lib.Path)}})
			}
		}
	}
	slices.SortFunc(out, func(a, b problem) int { return strings.Compare(a.message, b.message) })
	return out
}
