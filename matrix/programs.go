package matrix

import (
	"path"
	"strings"

	"github.com/sammatrix/sammatrix/inspect/elfabi"
	"github.com/sammatrix/sammatrix/inspect/fstree"
	"github.com/sammatrix/sammatrix/inspect/ldso"
	"github.com/sammatrix/sammatrix/matrix/recipe"
)

// programLoad is the simulated load of one program the recipe copies into
// the built image.
type programLoad struct {
	recipe.Program
	// res is what loading the program gives; nil when it cannot be loaded
	// at all, and err says why.
	res *ldso.Result
	err error
}

// programLoads simulates loading every program of the recipe in the built
// image, once per pair, in the recipe's order. A program is left out when
// there is nothing to load: no built image, no image of its role (the
// plugin image was not read; image-not-found says why), or a Node.js image
// without node (not-nodejs-image says so).
func programLoads(c *check) []*programLoad {
	if c.built == nil {
		return nil
	}
	if c.loads == nil {
		c.loads = []*programLoad{}
		for _, p := range c.built.Recipe.Programs {
			img := c.built.Images[p.From]
			if img == nil || isNode(p) && img.Facts.Node == nil {
				continue
			}
			res, err := c.built.Loader.Load(p.Path)
			c.loads = append(c.loads, &programLoad{Program: p, res: res, err: err})
		}
	}
	return c.loads
}

// isNode reports whether p is node of the Node.js image.
func isNode(p recipe.Program) bool { return p.From == recipe.NodeJS && p.Path == recipe.NodePath }

// name names the program in messages: "node", or with its image and path,
// "the plugin's /opt/harness/bin/harness-serverless-plugin".
func (pl *programLoad) name() string {
	if isNode(pl.Program) {
		return "node"
	}
	return roleOwner(pl.From) + pl.Path
}

// loader names the program after "loaded by": "node", or
// "the plugin's harness-serverless-plugin".
func (pl *programLoad) loader() string {
	if isNode(pl.Program) {
		return "node"
	}
	return roleOwner(pl.From) + base(pl.Path)
}

// who names the object of a problem of the load: the program itself, or
// an object it loads, such as "libssl.so.3 at its path (loaded by node)".
func (pl *programLoad) who(object string) string {
	if pl.res != nil && object != pl.res.Program {
		return object + " (loaded by " + pl.loader() + ")"
	}
	return pl.name()
}

// expected is the Expected of the evidence of a problem of the load: what
// was wanted, for node as it is, for another program naming the object
// that wants it ("GLIBC_2.34 from libc.so.6 for /opt/…/harness-serverless-plugin").
func (pl *programLoad) expected(what, lib, object string) string {
	if isNode(pl.Program) {
		return what
	}
	if what == lib {
		return what + " for " + object
	}
	return what + " from " + lib + " for " + object
}

// roleOwner is the possessive that names an image of the build.
func roleOwner(r recipe.Role) string {
	switch r {
	case recipe.Plugin:
		return "the plugin's "
	case recipe.NodeJS:
		return "the Node.js image's "
	}
	return "the runtime image's "
}

// imageRef returns the reference, as matrix.yaml gives it, of the image of role.
func (c *check) imageRef(r recipe.Role) string {
	switch r {
	case recipe.Plugin:
		return c.file.Plugin.BaseImage.V
	case recipe.NodeJS:
		return c.pair.NodeJS.V
	}
	return c.pair.Runtime.V
}

// nodeLoad returns the problems and libraries of node's simulated load in
// the built image; nil, nil when node is not loaded.
func nodeLoad(c *check) ([]ldso.Problem, []ldso.Lib) {
	for _, pl := range programLoads(c) {
		if isNode(pl.Program) && pl.res != nil {
			return pl.res.Problems, pl.res.Libs
		}
	}
	return nil, nil
}

// describeLib says which image a library of the built image came from.
func describeLib(c *check, n *fstree.Node, p string) string {
	return roleOwner(c.built.Role(n)) + p
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
