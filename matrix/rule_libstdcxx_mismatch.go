package matrix

import "fmt"

// RuleLibstdcxxMismatch: the real libstdc++ files of the two images differ.
const RuleLibstdcxxMismatch = "libstdcxx-mismatch"

func init() {
	register(Rule{
		ID:      RuleLibstdcxxMismatch,
		Default: Error,
		Summary: "the real libstdc++ files the two images load differ in version (the manual procedure's rule, on the resolved file rather than a file name)",
		Help:    "Pick a Node.js image of the same OS release and date as the runtime image.",
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
