package matrix

import (
	"fmt"
	"strings"

	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/matrix/recipe"
)

// checkArch: the resolved platform of both images must be linux/amd64.
func checkArch(c *pairCheck) []finding {
	var out []finding
	for _, side := range []struct {
		img *inspect.Image
		ref Image
	}{{c.runtime, c.pair.Runtime}, {c.nodejs, c.pair.NodeJS}} {
		if side.img == nil {
			continue
		}
		if p := side.img.Facts.Platform; p != inspect.DefaultPlatform {
			out = append(out, finding{RuleArchNotAMD64, side.ref.Pos,
				fmt.Sprintf("image %q is %s; the plugin images are %s", side.ref.V, p, inspect.DefaultPlatform),
				&Evidence{Image: side.ref.V, Expected: inspect.DefaultPlatform, Found: p}})
		}
	}
	return out
}

// checkNodeJSImage: the Node.js image must have node, and both directories
// the Dockerfile copies.
func checkNodeJSImage(c *pairCheck) []finding {
	if c.nodejs == nil {
		return nil
	}
	var out []finding
	if c.nodejs.Facts.Node == nil {
		out = append(out, finding{RuleNotNodeJSImage, c.pair.NodeJS.Pos,
			fmt.Sprintf("nodejs image %q has no %s; it is not a Node.js image", c.pair.NodeJS.V, recipe.NodePath),
			&Evidence{Image: c.pair.NodeJS.V, Path: recipe.NodePath, Expected: "an executable", Found: "nothing"}})
	}
	if c.built != nil && len(c.built.Missing) > 0 {
		out = append(out, finding{RuleNotNodeJSImage, c.pair.NodeJS.Pos,
			fmt.Sprintf("nodejs image %q has no %s; COPY --from=nodejs of it would fail", c.pair.NodeJS.V, strings.Join(c.built.Missing, " or ")),
			&Evidence{Image: c.pair.NodeJS.V, Path: c.built.Missing[0], Expected: "a directory", Found: "nothing"}})
	}
	return out
}

// osName formats an os-release as "amzn 2023".
func osName(o *inspect.OSRelease) string {
	if o == nil {
		return ""
	}
	return strings.TrimSpace(o.ID + " " + o.VersionID)
}

// checkOS: a hint when the two images run different OS releases.
func checkOS(c *pairCheck) []finding {
	if c.runtime == nil || c.nodejs == nil {
		return nil
	}
	rt, nj := c.runtime.Facts.OS, c.nodejs.Facts.OS
	if rt == nil || nj == nil || (rt.ID == nj.ID && rt.VersionID == nj.VersionID) {
		return nil
	}
	return []finding{{RuleOSMismatch, c.pair.Pos,
		fmt.Sprintf("the runtime image runs %s, the Node.js image %s (os-release ID/VERSION_ID differ)", rt.PrettyName, nj.PrettyName),
		&Evidence{Image: c.pair.NodeJS.V, Path: nj.Path, Layer: nj.Layer, Expected: osName(rt), Found: osName(nj)}}}
}

// checkLibstdcxx: the seed's rule, on the real files the soname resolves to.
func checkLibstdcxx(c *pairCheck) []finding {
	if c.runtime == nil || c.nodejs == nil {
		return nil
	}
	rt, nj := c.runtime.Facts.Libstdcxx, c.nodejs.Facts.Libstdcxx
	if rt == nil || nj == nil || rt.Version == nj.Version {
		return nil
	}
	return []finding{{RuleLibstdcxxMismatch, c.pair.Pos,
		fmt.Sprintf("libstdc++ differs: the runtime image has %s (GLIBCXX_%s), the Node.js image %s (GLIBCXX_%s)",
			rt.Path, rt.MaxGLIBCXX, nj.Path, nj.MaxGLIBCXX),
		&Evidence{Image: c.pair.Runtime.V, Path: rt.Path, Layer: rt.Layer, Expected: "libstdc++.so." + nj.Version, Found: "libstdc++.so." + rt.Version}}}
}
