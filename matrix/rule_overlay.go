package matrix

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/fstree"
	"github.com/sammatrix/sammatrix/inspect/scan"
)

// shownPaths is how many replaced paths a finding lists.
const shownPaths = 5

// sameEntry reports whether a copy put back what was there: same kind,
// same contents, same link.
func sameEntry(a, b *scan.Entry) bool {
	return a.Kind == b.Kind && a.Link == b.Link && a.Size == b.Size && a.Digest == b.Digest && a.Digest != "" ||
		a.Kind == scan.Symlink && b.Kind == scan.Symlink && a.Link == b.Link
}

// checkOverwrites: the COPY replaces files the runtime image has.
func checkOverwrites(c *pairCheck) []finding {
	if c.built == nil {
		return nil
	}
	var paths []string
	for _, r := range c.built.Replaced {
		if !sameEntry(r.Old.Entry, r.New.Entry) {
			paths = append(paths, r.Path)
		}
	}
	if len(paths) == 0 {
		return nil
	}
	shown := paths[:min(len(paths), shownPaths)]
	more := ""
	if len(paths) > shownPaths {
		more = fmt.Sprintf(" and %d more", len(paths)-shownPaths)
	}
	return []finding{{RuleOverlayOverwrites, c.pair.Pos,
		fmt.Sprintf("COPY --from=nodejs replaces %d file(s) of the runtime image: %s%s", len(paths), strings.Join(shown, ", "), more),
		&Evidence{Image: c.pair.Runtime.V, Path: paths[0], Expected: "no runtime file replaced", Found: fmt.Sprintf("%d replaced", len(paths))}}}
}

// checkShadows: the runtime's own programs and libraries under /var/lang
// and /opt must still load in the built image. A library that the COPY
// added or replaced and that lacks a version they need breaks them.
func checkShadows(c *pairCheck) []finding {
	if c.built == nil {
		return nil
	}
	// Hard links give one program several names: report it once.
	type key struct{ object, lib string }
	seen := map[key]bool{}
	var out []finding
	for _, dir := range inspect.CopiedTrees {
		var objects []string
		_ = c.runtime.Tree.Walk(dir, func(p string, n *fstree.Node) error {
			if n.Entry.Kind == scan.File && n.Entry.ELF != nil {
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
				if _, n, err := c.built.Tree.Resolve(pr.Object); err == nil && n.Entry.Digest != "" {
					id = n.Entry.Digest
				}
				if pr.NotFound() || !c.built.FromNodeJS(pr.Lib.Node) || seen[key{id, pr.Lib.Path}] {
					continue
				}
				seen[key{id, pr.Lib.Path}] = true
				img, layer := c.built.Origin(pr.Lib.Node)
				out = append(out, finding{RuleOverlayShadowsLibrary, c.pair.Pos,
					fmt.Sprintf("the runtime's %s needs %s from %s; the COPY put the Node.js image's %s first on the library path, which %s",
						pr.Object, strings.Join(pr.Missing, ", "), pr.Name, pr.Lib.Path, highest(pr.Defines, pr.Missing)),
					&Evidence{Image: img, Path: pr.Lib.Path, Layer: layer, Expected: strings.Join(pr.Missing, " "), Found: base(pr.Lib.Path)}})
			}
		}
	}
	slices.SortFunc(out, func(a, b finding) int { return strings.Compare(a.message, b.message) })
	return out
}
