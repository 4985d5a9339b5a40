package matrix

import (
	"fmt"
	"strings"

	"github.com/sammatrix/sammatrix/inspect/layer"
	"github.com/sammatrix/sammatrix/matrix/recipe"
)

// RuleOverlayOverwrites: the copy replaces files of the runtime image.
const RuleOverlayOverwrites = "overlay-overwrites"

func init() {
	register(Rule{
		ID:      RuleOverlayOverwrites,
		Default: Warning,
		Summary: "the COPY replaces files the runtime image already has under `/var/lang` or `/opt` (with different contents); the finding counts them and lists the first ones",
		Help:    "Check that the runtime does not use the replaced files.",
		Side:    PairOfImages,
		Check:   checkOverwrites,
	})
}

// shownPaths is how many replaced paths a finding lists.
const shownPaths = 5

// sameEntry reports whether a copy put back what was there: same kind,
// same contents, same link.
func sameEntry(a, b *layer.Entry) bool {
	return a.Kind == b.Kind && a.Link == b.Link && a.Size == b.Size && a.Fingerprint == b.Fingerprint && a.Fingerprint != "" ||
		a.Kind == layer.Symlink && b.Kind == layer.Symlink && a.Link == b.Link
}

// checkOverwrites: the COPY replaces files the runtime image has.
func checkOverwrites(c *check) []problem {
	if c.built == nil {
		return nil
	}
	var paths []string
	for _, r := range c.built.Replaced {
		// The message speaks of the Node.js image's copies; the plugin's
		// binary and scripts go where a runtime image has nothing.
		if c.built.Role(r.New) == recipe.NodeJS && !sameEntry(r.Old.Entry, r.New.Entry) {
			paths = append(paths, r.Path)
		}
	}
	if len(paths) == 0 {
		return nil
	}
	shown := paths[:min(len(paths), shownPaths)]
	more := ""
	if len(paths) > shownPaths {
		more = fmt.Sprintf(" and %d more", len(paths)-shownPaths)
	}
	return []problem{{
		fmt.Sprintf("COPY --from=nodejs replaces %d file(s) of the runtime image: %s%s", len(paths), strings.Join(shown, ", "), more),
		&Evidence{Image: c.pair.Runtime.V, Path: paths[0], Expected: "no runtime file replaced", Found: fmt.Sprintf("%d replaced", len(paths))}}}
}
