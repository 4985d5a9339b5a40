package matrix

import "fmt"

// RuleABILibraryMissing: a library a program needs is not in the built image.
const RuleABILibraryMissing = "abi-library-missing"

func init() {
	register(Rule{
		ID:      RuleABILibraryMissing,
		Default: Error,
		Summary: "a DT_NEEDED library of node, or of what it loads, is not found in the built image",
		Help:    "Use a Node.js image that ships the library in `/var/lang/lib`, or a runtime image that has it.",
		Side:    PairOfImages,
		Check:   checkABILibraries,
	})
}

// checkABILibraries: every library node (and what it loads) needs must be
// found in the built image.
func checkABILibraries(c *check) []problem {
	problems, _ := nodeLoad(c)
	var out []problem
	for _, pr := range problems {
		if !pr.NotFound() {
			continue
		}
		who := "node"
		if pr.Object != c.nodejs.Facts.Node.Path {
			who = pr.Object + " (loaded by node)"
		}
		out = append(out, problem{fmt.Sprintf("%s needs %s, which the loader does not find in the built image (searched LD_LIBRARY_PATH, RUNPATH, ld.so.conf, /lib64, /usr/lib64)", who, pr.Name),
			&Evidence{Image: c.pair.Runtime.V, Path: pr.Name, Expected: pr.Name, Found: "nothing"}})
	}
	return out
}
