package matrix

import "fmt"

// RuleLibstdcxxMismatch: the real libstdc++ files of the two images differ.
const RuleLibstdcxxMismatch = "libstdcxx-mismatch"

func init() {
	register(Rule{
		ID:      RuleLibstdcxxMismatch,
		Default: Error,
		Summary: "the real libstdc++ files of the two images differ in version",
		Help:    "Pick a Node.js image built on the same OS release as the runtime image (compare their tags' dates), so both ship the same libstdc++.so.6.0.N.",
		Side:    PairOfImages,
		Check:   checkLibstdcxx,
	})
}

// checkLibstdcxx: the seed's rule, on the real files the soname resolves to.
func checkLibstdcxx(c *check) []problem {
	if c.runtime == nil || c.nodejs == nil {
		return nil
	}
	rt, nj := c.runtime.Facts.Libstdcxx, c.nodejs.Facts.Libstdcxx
	if rt == nil || nj == nil || rt.Version == nj.Version {
		return nil
	}
	return []problem{{fmt.Sprintf("libstdc++ differs: the runtime image has %s (GLIBCXX_%s), the Node.js image %s (GLIBCXX_%s)",
		rt.Path, rt.MaxGLIBCXX, nj.Path, nj.MaxGLIBCXX),
		&Evidence{Image: c.pair.Runtime.V, Path: rt.Path, Layer: rt.Layer, Expected: "libstdc++.so." + nj.Version, Found: "libstdc++.so." + rt.Version}}}
}
