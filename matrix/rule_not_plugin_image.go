package matrix

import (
	"fmt"
	"path"

	"github.com/sammatrix/sammatrix/inspect/fstree"
	"github.com/sammatrix/sammatrix/matrix/recipe"
)

// RuleNotPluginImage: the plugin image lacks what the build copies from it,
// or the built image lacks the entry point.
const RuleNotPluginImage = "not-plugin-image"

func init() {
	register(Rule{
		ID:      RuleNotPluginImage,
		Default: Error,
		Summary: "the plugin image (`plugin.base-image`) has no `" + recipe.PluginBinary + "` file or no `" + recipe.PluginScripts + "` directory (the COPY would fail), or the built image has no `" + recipe.Entrypoint + "`, its entry point (the build's `chmod` of it would fail)",
		Help:    "Use the Harness serverless plugin's base image as `plugin.base-image`.",
		Side:    PluginImage,
		Check:   checkPluginImage,
	})
}

// checkPluginImage: the build copies the plugin binary and the scripts
// directory from the plugin image, then makes the entry point script
// executable; a build without any of them fails.
func checkPluginImage(c *check) []problem {
	if c.plugin == nil || c.built == nil {
		// Unread (image-not-found or arch-not-amd64 says why), or no
		// build to judge.
		return nil
	}
	ref := c.file.Plugin.BaseImage.V
	var out []problem
	scripts := false // whether the scripts directory is missing
	for _, cp := range c.built.Missing {
		if cp.From != recipe.Plugin {
			continue
		}
		kind := "directory"
		if copiesProgram(c.built.Recipe, cp) {
			kind = "file"
		}
		scripts = scripts || path.Clean(cp.Src) == path.Dir(recipe.Entrypoint)
		out = append(out, problem{fmt.Sprintf("plugin image %q has no %s %s; COPY --from of it would fail", ref, kind, cp.Src),
			&Evidence{Image: ref, Path: cp.Src, Expected: "a " + kind, Found: found(c.plugin.Tree, cp.Src)}})
	}
	if scripts {
		// Without the scripts, the entry point is missing too: said once.
		return out
	}
	if _, n, err := c.built.Tree.Resolve(recipe.Entrypoint); err != nil || n.IsDir() {
		out = append(out, problem{fmt.Sprintf("the built image has no %s, the entry point: plugin image %q's %s lacks it, and the build's chmod of it would fail", recipe.Entrypoint, ref, recipe.PluginScripts),
			&Evidence{Image: ref, Path: recipe.Entrypoint, Expected: "a file", Found: found(c.built.Tree, recipe.Entrypoint)}})
	}
	return out
}

// found says what a tree has at p, for evidence: "nothing", "a directory"
// or "a file".
func found(t *fstree.Tree, p string) string {
	_, n, err := t.Resolve(p)
	switch {
	case err != nil:
		return "nothing"
	case n.IsDir():
		return "a directory"
	}
	return "a file"
}
