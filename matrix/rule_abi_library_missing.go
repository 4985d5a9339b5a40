package matrix

import "fmt"

// RuleABILibraryMissing: a library a program needs is not in the built image.
const RuleABILibraryMissing = "abi-library-missing"

func init() {
	register(Rule{
		ID:      RuleABILibraryMissing,
		Default: Error,
		Summary: "a DT_NEEDED library of node or the plugin binary, or of what they load, is not found in the built image",
		Help:    "Use a Node.js image that ships the library in `/var/lang/lib`, or a runtime image that has it; for the plugin binary, use a statically linked build.",
		Side:    PairOfImages,
		Check:   checkABILibraries,
	})
}

// checkABILibraries: every library a program of the recipe (node, the
// plugin binary) and what it loads need must be found in the built image.
func checkABILibraries(c *check) []problem {
	var out []problem
	for _, pl := range programLoads(c) {
		if pl.res == nil {
			continue
		}
		for _, pr := range pl.res.Problems {
			if !pr.NotFound() {
				continue
			}
			out = append(out, problem{fmt.Sprintf("%s needs %s, which the loader does not find in the built image (searched LD_LIBRARY_PATH, RUNPATH, ld.so.conf, /lib64, /usr/lib64)", pl.who(pr.Object), pr.Name),
				&Evidence{Image: c.pair.Runtime.V, Path: pr.Name, Expected: pl.expected(pr.Name, pr.Name, pr.Object), Found: "nothing"}})
		}
	}
	return out
}
