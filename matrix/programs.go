package matrix

import (
	"path"
	"strings"

	"github.com/sammatrix/sammatrix/inspect/elfabi"
	"github.com/sammatrix/sammatrix/inspect/fstree"
	"github.com/sammatrix/sammatrix/inspect/ldso"
	"github.com/sammatrix/sammatrix/matrix/recipe"
)

// nodeLoad simulates loading node in the built image.
func nodeLoad(c *check) ([]ldso.Problem, []ldso.Lib) {
	res, _ := nodeLoadResult(c)
	if res == nil {
		return nil, nil
	}
	return res.Problems, res.Libs
}

// nodeLoadResult simulates loading node in the built image, once per pair.
// It returns nil, nil when there is nothing to load (no built image, or a
// Node.js image without node, which not-nodejs-image reports), and an
// error when node cannot be loaded at all.
func nodeLoadResult(c *check) (*ldso.Result, error) {
	if c.built == nil || c.nodejs == nil || c.nodejs.Facts.Node == nil {
		return nil, nil
	}
	if c.load == nil && c.loadErr == nil {
		c.load, c.loadErr = c.built.Loader.Load(recipe.NodePath)
	}
	return c.load, c.loadErr
}

// describeLib says which image a library of the built image came from.
func describeLib(c *check, n *fstree.Node, p string) string {
	if c.built.FromNodeJS(n) {
		return "the Node.js image's " + p
	}
	return "the runtime image's " + p
}

// highest says, for the prefixes of the missing versions, the highest
// version a library defines: "defines up to GLIBC_2.26, GLIBCXX_3.4.24".
func highest(defines, missing []string) string {
	var parts []string
	seen := map[string]bool{}
	for _, m := range missing {
		prefix, _, ok := elfabi.Split(m)
		if !ok || seen[prefix] {
			continue
		}
		seen[prefix] = true
		if max := elfabi.Max(defines, prefix); max != "" {
			parts = append(parts, max)
		} else {
			parts = append(parts, "no "+prefix+"* version")
		}
	}
	if len(parts) == 0 {
		return "does not define them"
	}
	return "defines up to " + strings.Join(parts, ", ")
}

// maxDefined returns the highest version with prefix that the library the
// simulation loaded for name defines, trimmed of the prefix.
func maxDefined(libs []ldso.Lib, name, prefix string) string {
	for _, l := range libs {
		if l.Name == name && l.ELF != nil {
			return strings.TrimPrefix(elfabi.Max(l.ELF.Defines, prefix), prefix)
		}
	}
	return ""
}

// base returns the last element of a path.
func base(p string) string { return path.Base(p) }
