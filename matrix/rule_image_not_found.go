package matrix

import (
	"errors"
	"fmt"

	"github.com/sammatrix/sammatrix/inspect"
)

// RuleImageNotFound: the reference does not resolve.
const RuleImageNotFound = "image-not-found"

func init() {
	register(Rule{
		ID:      RuleImageNotFound,
		Default: Error,
		Summary: "the reference does not resolve (unknown repository, tag or digest; missing local path)",
		Help:    "Check the repository and tag in the ECR public gallery (for `plugin.base-image`, in the registry that serves it).",
		Side:    EachImage,
		Check: func(c *check) []problem {
			if c.err == nil || errors.Is(c.err, inspect.ErrPlatform) {
				return nil
			}
			return []problem{{fmt.Sprintf("image %q does not resolve: %v", c.image.V, c.err),
				&Evidence{Image: c.image.V, Expected: "an image", Found: "nothing"}}}
		},
	})
}
