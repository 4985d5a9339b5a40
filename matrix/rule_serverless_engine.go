package matrix

import "fmt"

// RuleServerlessEngine: node does not satisfy the Serverless version's engines.node.
const RuleServerlessEngine = "serverless-engine"

func init() {
	register(Rule{
		ID:      RuleServerlessEngine,
		Default: Error,
		Summary: "node's version does not satisfy `engines.node` of the Serverless Framework version (asked of npm: `npm view serverless@VERSION engines --json`, cached); without npm, or offline, the check is skipped and every output says so",
		Help:    "Use a Node.js image whose node satisfies the range, or another Serverless version.",
		Side:    PairOfImages,
		Check:   checkEngine,
	})
}

// checkEngine: node must satisfy engines.node of every Serverless version.
func checkEngine(c *check) []problem {
	if c.nodejs == nil || c.nodejs.Facts.Node == nil || c.nodejs.Facts.Node.Version == "" {
		return nil
	}
	node := c.nodejs.Facts.Node
	v, err := parseSemver(node.Version)
	if err != nil {
		return nil
	}
	var out []problem
	for _, s := range c.file.Serverless {
		rng, ok := c.engines[s.V]
		if !ok || rng == "" {
			continue
		}
		r, err := parseNodeRange(rng)
		if err != nil || r.satisfiedBy(v) {
			continue // an unreadable range is reported once, as a skipped check
		}
		out = append(out, problem{fmt.Sprintf("serverless@%s needs node %s (engines.node); the Node.js image has %s", s.V, rng, node.Version),
			&Evidence{Image: c.pair.NodeJS.V, Path: node.Path, Layer: node.Layer, Expected: rng, Found: node.Version}})
	}
	return out
}
