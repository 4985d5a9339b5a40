package matrix

import (
	"fmt"
	"path"
	"strings"

	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/fstree"
	"github.com/sammatrix/sammatrix/inspect/ldso"
	"github.com/sammatrix/sammatrix/matrix/recipe"
)

// Built is the simulated result of building a pair: the runtime image with
// the recipe's copies (from the Node.js image and, when it was read, the
// plugin image) applied on top and its environment set.
type Built struct {
	// Recipe is the build simulated.
	Recipe          *recipe.Recipe
	Runtime, NodeJS *inspect.Image
	// Images are the images of the build by role.
	Images map[recipe.Role]*inspect.Image
	Tree   *fstree.Tree
	// Env is the runtime image's config Env after the recipe's ENV lines.
	Env map[string]string
	// Loader is the dynamic loader of the built image, with its Env.
	Loader *ldso.Loader
	// LDSoConf are the directories of the built image's /etc/ld.so.conf.
	LDSoConf []string
	// Replaced lists what the copies replaced.
	Replaced []fstree.Replaced
	// CopyLayer is the layer number of the first copy: the copy number i
	// of the recipe puts its nodes at layer CopyLayer+i.
	CopyLayer int
	// Missing lists the copies whose source the image they come from lacks
	// (the COPY would fail).
	Missing []recipe.Copy

	copies []recipe.Copy
}

// simulateBuild simulates the recipe r on the inspected images, given by
// role; the copies from a role without an image are left out. It never
// changes the images' trees.
func simulateBuild(r *recipe.Recipe, images map[recipe.Role]*inspect.Image) (*Built, error) {
	runtime := images[recipe.Runtime]
	b := &Built{
		Recipe:    r,
		Runtime:   runtime,
		NodeJS:    images[recipe.NodeJS],
		Images:    images,
		Tree:      runtime.Tree.Clone(),
		CopyLayer: len(runtime.Layers),
		copies:    r.Copies,
	}
	for i, c := range r.Copies {
		src := images[c.From]
		if src == nil {
			continue
		}
		// A program the recipe copies by itself (the plugin binary) is a
		// file; every other source a directory.
		file := copiesProgram(r, c)
		_, n, err := src.Tree.Resolve(c.Src)
		if err != nil || n.IsDir() == file {
			b.Missing = append(b.Missing, c)
			continue
		}
		copyFn := b.Tree.Copy
		if file {
			copyFn = b.Tree.CopyFile
		}
		replaced, err := copyFn(src.Tree, c.Src, c.Dst, b.CopyLayer+i)
		if err != nil {
			return nil, fmt.Errorf("simulating COPY --from=%s %s %s: %w", c.From, c.Src, c.Dst, err)
		}
		b.Replaced = append(b.Replaced, replaced...)
	}
	b.Env = r.Apply(inspect.Env(runtime.Config.Config.Env))
	b.Loader = ldso.New(b.Tree, b.Env["LD_LIBRARY_PATH"])
	b.LDSoConf = b.Loader.ConfDirs()
	return b, nil
}

// copiesProgram reports whether c copies one of r's programs by itself.
func copiesProgram(r *recipe.Recipe, c recipe.Copy) bool {
	for _, p := range r.Programs {
		if p.From == c.From && path.Clean(p.Path) == path.Clean(c.Src) {
			return true
		}
	}
	return false
}

// Role tells which image of the build a node of the built tree came from.
func (b *Built) Role(n *fstree.Node) recipe.Role {
	if i := n.Layer - b.CopyLayer; i >= 0 && i < len(b.copies) {
		return b.copies[i].From
	}
	return recipe.Runtime
}

// MissingFrom returns the sources of the copies from role that its image
// lacks.
func (b *Built) MissingFrom(role recipe.Role) []string {
	var out []string
	for _, c := range b.Missing {
		if c.From == role {
			out = append(out, c.Src)
		}
	}
	return out
}

// FromNodeJS reports whether a node of the built tree came from the Node.js image.
func (b *Built) FromNodeJS(n *fstree.Node) bool { return b.Role(n) == recipe.NodeJS }

// Origin names the image and layer a node of the built tree came from.
func (b *Built) Origin(n *fstree.Node) (image, layer string) {
	role := b.Role(n)
	img := b.Images[role]
	if role != recipe.Runtime {
		// The copy keeps entries but not their source layer; find it in the source image.
		c := b.copies[n.Layer-b.CopyLayer]
		p := path.Join(c.Src, strings.TrimPrefix(n.Entry.Path, path.Clean(c.Dst)))
		if _, src, err := img.Tree.Resolve(p); err == nil && src.Layer >= 0 && src.Layer < len(img.Layers) {
			return img.Ref.String(), img.Layers[src.Layer].Digest.String()
		}
		return img.Ref.String(), ""
	}
	if n.Layer >= 0 && n.Layer < len(img.Layers) {
		return img.Ref.String(), img.Layers[n.Layer].Digest.String()
	}
	return img.Ref.String(), ""
}

// missingFrom returns the sources of the copies from role that its image
// lacks; none without a built image.
func (c *check) missingFrom(role recipe.Role) []string {
	if c.built == nil {
		return nil
	}
	return c.built.MissingFrom(role)
}
