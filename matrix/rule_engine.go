package matrix

import (
	"fmt"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// checkEngine: node must satisfy engines.node of every Serverless version.
func checkEngine(c *pairCheck) []finding {
	if c.nodejs == nil || c.nodejs.Facts.Node == nil || c.nodejs.Facts.Node.Version == "" {
		return nil
	}
	node := c.nodejs.Facts.Node
	v, err := semver.NewVersion(strings.TrimPrefix(node.Version, "v"))
	if err != nil {
		return nil
	}
	var out []finding
	for _, s := range c.file.Serverless {
		rng, ok := c.engines[s.V]
		if !ok || rng == "" {
			continue
		}
		cons, err := semver.NewConstraint(rng)
		if err != nil || cons.Check(v) {
			continue // an unreadable range is reported once, as a skipped check
		}
		out = append(out, finding{RuleServerlessEngine, c.pair.Pos,
			fmt.Sprintf("serverless@%s needs node %s (engines.node); the Node.js image has %s", s.V, rng, node.Version),
			&Evidence{Image: c.pair.NodeJS.V, Path: node.Path, Layer: node.Layer, Expected: rng, Found: node.Version}})
	}
	return out
}
