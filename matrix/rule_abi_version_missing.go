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
		Summary: "node, or a library it loads, needs a `GLIBC_*`, `GLIBCXX_*`, `CXXABI_*` (or any other) symbol version that the library the loader would find in the built image does not define — the `version 'GLIBC_2.28' not found` failure",
		Help:    "Pair the runtime with an older Node.js image (nodejs18.x on Amazon Linux 2), or use a runtime image of the newer OS.",
		Side:    PairOfImages,
		Check:   checkABIVersions,
	})
}

// checkABIVersions: every non-weak version node (and what it loads) needs
// must be defined by the library the loader would find in the built image.
func checkABIVersions(c *check) []problem {
	problems, _ := nodeLoad(c)
	var out []problem
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
		out = append(out, problem{fmt.Sprintf("%s needs %s from %s; %s %s", who, strings.Join(pr.Missing, ", "), pr.Name, describeLib(c, pr.Lib.Node, pr.Lib.Path), have),
			&Evidence{Image: img, Path: pr.Lib.Path, Layer: layer, Expected: strings.Join(pr.Missing, " "), Found: strings.TrimPrefix(have, "defines up to ")}})
	}
	return out
}
