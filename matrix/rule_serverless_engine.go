package matrix

import (
	"fmt"

	"github.com/sammatrix/sammatrix/matrix/recipe"
)

// RuleServerlessEngine: node does not satisfy the Serverless version's engines.node.
const RuleServerlessEngine = "serverless-engine"

func init() {
	register(Rule{
		ID:      RuleServerlessEngine,
		Default: Error,
		Summary: "node's version does not satisfy `engines.node` of the Serverless Framework version (asked of npm: `npm view serverless@VERSION engines --json`, cached), or cannot be read; without npm, or offline, the check is skipped and every output says so",
		Help:    "Use a Node.js image whose node satisfies the range, or another Serverless version.",
		Side:    PairOfImages,
		Check:   checkEngine,
	})
}

// checkEngine: node must satisfy engines.node of every Serverless version.
// A node whose version cannot be read satisfies nothing: the pair is not
// called compatible for want of a version.
func checkEngine(c *check) []problem {
	if c.nodejs == nil || c.nodejs.Facts.Node == nil {
		return nil // not-nodejs-image says why
	}
	node := c.nodejs.Facts.Node
	v, verr := parseSemver(node.Version)
	// When node's version does not parse: the evidence's Found, and why.
	var found, why string
	switch {
	case verr == nil:
	case node.Version == "":
		found, why = "no version", fmt.Sprintf("no version was found in %s or %s", node.Path, recipe.NodeVersionHeader)
	default:
		found, why = node.Version, fmt.Sprintf("its version %q is not a version sammatrix reads", node.Version)
	}
	var out []problem
	for _, s := range c.file.Serverless {
		rng, ok := c.engines[s.V]
		if !ok || rng == "" {
			continue
		}
		r, err := parseNodeRange(rng)
		if err != nil {
			continue // an unreadable range is reported once, as a skipped check
		}
		if verr != nil {
			out = append(out, problem{fmt.Sprintf("serverless@%s needs node %s (engines.node); the Node.js image's node cannot be checked: %s", s.V, rng, why),
				&Evidence{Image: c.pair.NodeJS.V, Path: node.Path, Layer: node.Layer, Expected: rng, Found: found}})
			continue
		}
		if r.satisfiedBy(v) {
			continue
		}
		out = append(out, problem{fmt.Sprintf("serverless@%s needs node %s (engines.node); the Node.js image has %s", s.V, rng, node.Version),
			&Evidence{Image: c.pair.NodeJS.V, Path: node.Path, Layer: node.Layer, Expected: rng, Found: node.Version}})
	}
	return out
}
