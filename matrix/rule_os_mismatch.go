package matrix

import (
	"fmt"
	"strings"

	"github.com/sammatrix/sammatrix/inspect"
)

// RuleOSMismatch: the two images run different OS releases.
const RuleOSMismatch = "os-mismatch"

func init() {
	register(Rule{
		ID:      RuleOSMismatch,
		Default: Warning,
		Summary: "the two images' os-release `ID`/`VERSION_ID` differ; a hint only, the ABI rules decide",
		Help:    "Prefer a Node.js image of the runtime's OS family.",
		Side:    PairOfImages,
		Check:   checkOS,
	})
}

// checkOS: a hint when the two images run different OS releases.
func checkOS(c *check) []problem {
	if c.runtime == nil || c.nodejs == nil {
		return nil
	}
	rt, nj := c.runtime.Facts.OS, c.nodejs.Facts.OS
	if rt == nil || nj == nil || (rt.ID == nj.ID && rt.VersionID == nj.VersionID) {
		return nil
	}
	return []problem{{fmt.Sprintf("the runtime image runs %s, the Node.js image %s (os-release ID/VERSION_ID differ)", rt.PrettyName, nj.PrettyName),
		&Evidence{Image: c.pair.NodeJS.V, Path: nj.Path, Layer: nj.Layer, Expected: osName(rt), Found: osName(nj)}}}
}

// osName formats an os-release as "amzn 2023".
func osName(o *inspect.OSRelease) string {
	if o == nil {
		return ""
	}
	return strings.TrimSpace(o.ID + " " + o.VersionID)
}
