package matrix

import (
	"fmt"
	"path"
	"strings"

	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/elfabi"
	"github.com/sammatrix/sammatrix/inspect/fstree"
	"github.com/sammatrix/sammatrix/inspect/ldso"
)

// nodeLoad simulates loading node in the built image and returns the
// problems met and the libraries loaded.
func nodeLoad(c *pairCheck) ([]ldso.Problem, []ldso.Lib) {
	if c.built == nil || c.nodejs == nil || c.nodejs.Facts.Node == nil {
		return nil, nil
	}
	if c.load == nil {
		c.load = &ldso.Result{}
		if res, err := c.built.Loader.Load(inspect.NodePath); err == nil {
			c.load = res
		}
	}
	return c.load.Problems, c.load.Libs
}

// checkABIVersions: every non-weak version node (and what it loads) needs
// must be defined by the library the loader would find in the built image.
func checkABIVersions(c *pairCheck) []finding {
	problems, _ := nodeLoad(c)
	var out []finding
	for _, pr := range problems {
		if pr.NotFound() {
			continue
		}
		img, layer := c.built.Origin(pr.Lib.Node)
		who := "node"
		if pr.Object != c.nodejs.Facts.Node.Path {
			who = pr.Object + " (loaded by node)"
		}
		have := highest(pr.Defines, pr.Missing)
		out = append(out, finding{RuleABIVersionMissing, c.pair.Pos,
			fmt.Sprintf("%s needs %s from %s; %s %s", who, strings.Join(pr.Missing, ", "), pr.Name, describeLib(c, pr.Lib.Node, pr.Lib.Path), have),
			&Evidence{Image: img, Path: pr.Lib.Path, Layer: layer, Expected: strings.Join(pr.Missing, " "), Found: strings.TrimPrefix(have, "defines up to ")}})
	}
	return out
}

// checkABILibraries: every library node (and what it loads) needs must be
// found in the built image.
func checkABILibraries(c *pairCheck) []finding {
	problems, _ := nodeLoad(c)
	var out []finding
	for _, pr := range problems {
		if !pr.NotFound() {
			continue
		}
		who := "node"
		if pr.Object != c.nodejs.Facts.Node.Path {
			who = pr.Object + " (loaded by node)"
		}
		out = append(out, finding{RuleABILibraryMissing, c.pair.Pos,
			fmt.Sprintf("%s needs %s, which the loader does not find in the built image (searched LD_LIBRARY_PATH, RUNPATH, ld.so.conf, /lib64, /usr/lib64)", who, pr.Name),
			&Evidence{Image: c.pair.Runtime.V, Path: pr.Name, Expected: pr.Name, Found: "nothing"}})
	}
	return out
}

// describeLib says which image a library of the built image came from.
func describeLib(c *pairCheck, n *fstree.Node, p string) string {
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
