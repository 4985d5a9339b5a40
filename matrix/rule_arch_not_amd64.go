package matrix

import (
	"errors"
	"fmt"

	"github.com/sammatrix/sammatrix/inspect"
)

// RuleArchNotAMD64: the resolved platform of an image is not linux/amd64.
const RuleArchNotAMD64 = "arch-not-amd64"

func init() {
	register(Rule{
		ID:      RuleArchNotAMD64,
		Default: Error,
		Summary: "the image resolves to a platform other than linux/amd64, or its index has no linux/amd64 image",
		Help:    "Use the `-x86_64` tag; the plugin images are linux/amd64 only.",
		Side:    EachImage,
		Check: func(c *check) []problem {
			switch {
			case errors.Is(c.err, inspect.ErrPlatform):
				return []problem{{fmt.Sprintf("image %q: %v", c.image.V, c.err),
					&Evidence{Image: c.image.V, Expected: inspect.DefaultPlatform, Found: "no " + inspect.DefaultPlatform + " image"}}}
			case c.img != nil && c.img.Facts.Platform != inspect.DefaultPlatform:
				p := c.img.Facts.Platform
				return []problem{{fmt.Sprintf("image %q is %s; the plugin images are %s", c.image.V, p, inspect.DefaultPlatform),
					&Evidence{Image: c.image.V, Expected: inspect.DefaultPlatform, Found: p}}}
			}
			return nil
		},
	})
}
