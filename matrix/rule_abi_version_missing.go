package matrix

import (
	"fmt"
	"strings"
)

// RuleABIVersionMissing: a program needs a symbol version its library in the built image lacks.
const RuleABIVersionMissing = "abi-version-missing"

func init() {
	register(Rule{
		ID:      RuleABIVersionMissing,
		Default: Error,
		Summary: "node or the plugin binary, or a library they load, needs a `GLIBC_*`, `GLIBCXX_*`, `CXXABI_*` (or any other) symbol version that the library the loader would find in the built image does not define — the `version 'GLIBC_2.28' not found` failure",
		Help:    "Pair the runtime with an older Node.js image (nodejs18.x on Amazon Linux 2), or use a runtime image of the newer OS; for the plugin binary, use a statically linked build (Go with CGO_ENABLED=0) or one built against the runtime's glibc.",
		Side:    PairOfImages,
		Check:   checkABIVersions,
	})
}

// checkABIVersions: every non-weak version a program of the recipe (node,
// the plugin binary) and what it loads need must be defined by the library
// the loader would find in the built image.
func checkABIVersions(c *check) []problem {
	var out []problem
	for _, pl := range programLoads(c) {
		if pl.res == nil {
			continue
		}
		for _, pr := range pl.res.Problems {
			if pr.NotFound() {
				continue
			}
			img, layer := c.built.Origin(pr.Lib.Node)
			have := highest(pr.Defines, pr.Missing)
			out = append(out, problem{fmt.Sprintf("%s needs %s from %s; %s %s", pl.who(pr.Object), strings.Join(pr.Missing, ", "), pr.Name, describeLib(c, pr.Lib.Node, pr.Lib.Path), have),
				&Evidence{Image: img, Path: pr.Lib.Path, Layer: layer, Expected: pl.expected(strings.Join(pr.Missing, " "), pr.Name, pr.Object), Found: strings.TrimPrefix(have, "defines up to ")}})
		}
	}
	return out
}
