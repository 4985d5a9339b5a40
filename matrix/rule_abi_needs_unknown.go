package matrix

import (
	"fmt"

	"github.com/sammatrix/sammatrix/inspect/ldso"
)

// RuleABINeedsUnknown: what a program needs cannot be established, so
// nothing can say that it loads.
const RuleABINeedsUnknown = "abi-needs-unknown"

func init() {
	register(Rule{
		ID:      RuleABINeedsUnknown,
		Default: Error,
		Summary: "what node, or a library it loads, needs of the built image cannot be established (an ELF file that could not be read, or more libraries than the simulation follows)",
		Help:    "Check the file the finding names: a program stripped of its dynamic table, a damaged file or one larger than sammatrix reads cannot be judged; relax the rule in policy only for a pair you have run.",
		Side:    PairOfImages,
		Check:   checkNeedsUnknown,
	})
}

// checkNeedsUnknown: a pair is never called compatible because the needs of
// what it loads could not be read. The ABI rules find nothing to complain
// about in an object whose ELF facts are missing; this rule says so.
func checkNeedsUnknown(c *check) []problem {
	res, err := nodeLoadResult(c)
	if err != nil {
		return []problem{{fmt.Sprintf("node cannot be loaded in the built image: %v", err),
			&Evidence{Image: c.pair.NodeJS.V, Path: c.nodejs.Facts.Node.Path, Expected: "a regular file", Found: "nothing the loader can open"}}}
	}
	if res == nil {
		return nil
	}
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
		who := "node"
		if obj != res.Program {
			who = obj + " (loaded by node)"
		}
		out = append(out, problem{fmt.Sprintf("what %s needs cannot be established: %s", who, why),
			&Evidence{Image: img, Path: obj, Layer: layer, Expected: "readable ELF dynamic facts", Found: why}})
	}
	if res.Truncated {
		out = append(out, problem{fmt.Sprintf("node loads more than %d objects; the needs of the others were not followed", ldso.MaxObjects),
			&Evidence{Image: c.pair.NodeJS.V, Path: res.Program, Expected: fmt.Sprintf("at most %d objects", ldso.MaxObjects), Found: "more"}})
	}
	return out
}
