package matrix

import (
	"fmt"
	"strings"

	"github.com/sammatrix/sammatrix/matrix/recipe"
)

// RuleNotNodeJSImage: the Node.js image has no node or lacks what the build copies.
const RuleNotNodeJSImage = "not-nodejs-image"

func init() {
	register(Rule{
		ID:      RuleNotNodeJSImage,
		Default: Error,
		Summary: "the Node.js image has no `/var/lang/bin/node`, or lacks `/var/lang` or `/opt` (the COPY would fail)",
		Help:    "Use a `public.ecr.aws/sam/build-nodejs*` image as `nodejs:`.",
		Side:    NodeJSImage,
		Check:   checkNodeJSImage,
	})
}

// checkNodeJSImage: the Node.js image must have node, and both directories
// the Dockerfile copies.
func checkNodeJSImage(c *check) []problem {
	if c.nodejs == nil {
		return nil
	}
	var out []problem
	if c.nodejs.Facts.Node == nil {
		out = append(out, problem{fmt.Sprintf("nodejs image %q has no %s; it is not a Node.js image", c.pair.NodeJS.V, recipe.NodePath),
			&Evidence{Image: c.pair.NodeJS.V, Path: recipe.NodePath, Expected: "an executable", Found: "nothing"}})
	}
	if missing := c.missingFrom(recipe.NodeJS); len(missing) > 0 {
		out = append(out, problem{fmt.Sprintf("nodejs image %q has no %s; COPY --from=nodejs of it would fail", c.pair.NodeJS.V, strings.Join(missing, " or ")),
			&Evidence{Image: c.pair.NodeJS.V, Path: missing[0], Expected: "a directory", Found: "nothing"}})
	}
	return out
}
