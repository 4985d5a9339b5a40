package matrix

import (
	"fmt"
	"slices"

	"github.com/sammatrix/sammatrix/inspect/ldso"
)

// RuleABINeedsUnknown: what a program needs cannot be established, so
// nothing can say that it loads.
const RuleABINeedsUnknown = "abi-needs-unknown"

func init() {
	register(Rule{
		ID:      RuleABINeedsUnknown,
		Default: Error,
		Summary: "what node or the plugin binary, or a library they load, needs of the built image cannot be established (an ELF file that could not be read, a program the built image lacks, or more libraries than the simulation follows)",
		Help:    "Check the file the finding names: a program stripped of its dynamic table, a damaged file or one larger than sammatrix reads cannot be judged; relax the rule in policy only for a pair you have run.",
		Side:    PairOfImages,
		Check:   checkNeedsUnknown,
	})
}

// checkNeedsUnknown: a pair is never called compatible because the needs of
// what it loads could not be read. The ABI rules find nothing to complain
// about in an object whose ELF facts are missing; this rule says so.
func checkNeedsUnknown(c *check) []problem {
	var out []problem
	for _, pl := range programLoads(c) {
		out = append(out, needsUnknown(c, pl)...)
	}
	return out
}

// needsUnknown: what one program's load leaves unknown.
func needsUnknown(c *check, pl *programLoad) []problem {
	if pl.err != nil && slices.Contains(c.missingFrom(pl.From), pl.Path) {
		return []problem{{fmt.Sprintf("%s is not in the built image: image %q has no %s, so COPY --from of it would fail", pl.name(), c.imageRef(pl.From), pl.Path),
			&Evidence{Image: c.imageRef(pl.From), Path: pl.Path, Expected: "a file", Found: "nothing"}}}
	}
	if pl.err != nil {
		p := pl.Path
		if isNode(pl.Program) {
			p = c.nodejs.Facts.Node.Path
		}
		return []problem{{fmt.Sprintf("%s cannot be loaded in the built image: %v", pl.name(), pl.err),
			&Evidence{Image: c.imageRef(pl.From), Path: p, Expected: "a regular file", Found: "nothing the loader can open"}}}
	}
	res := pl.res
	var out []problem
	for _, obj := range res.Unanalysed {
		_, n, err := c.built.Tree.Resolve(obj)
		if err != nil {
			continue
		}
		why := n.Entry.ELFError
		if why == "" {
			why = "it was not read as an ELF file"
		}
		img, layer := c.built.Origin(n)
		out = append(out, problem{fmt.Sprintf("what %s needs cannot be established: %s", pl.who(obj), why),
			&Evidence{Image: img, Path: obj, Layer: layer, Expected: "readable ELF dynamic facts", Found: why}})
	}
	if res.Truncated {
		out = append(out, problem{fmt.Sprintf("%s loads more than %d objects; the needs of the others were not followed", pl.name(), ldso.MaxObjects),
			&Evidence{Image: c.imageRef(pl.From), Path: res.Program, Expected: fmt.Sprintf("at most %d objects", ldso.MaxObjects), Found: "more"}})
	}
	return out
}
