package render

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/sammatrix/sammatrix/inspect/imageref"
	"github.com/sammatrix/sammatrix/inspect/reader"
	"github.com/sammatrix/sammatrix/matrix"
	"github.com/sammatrix/sammatrix/render/dockerfile"
)

// Resolver pins an image reference with one manifest request, no layer;
// the reader's Inspector is one.
type Resolver interface {
	Resolve(ctx context.Context, ref imageref.Reference) (reader.Pin, error)
}

var _ Resolver = (*reader.Inspector)(nil)

// refs returns every image reference of f as written, each once with its
// parsed form: the pairs' runtime and Node.js images, then the plugin base
// image.
func refs(f *matrix.File) ([]string, map[string]imageref.Reference, error) {
	var order []string
	parsed := map[string]imageref.Reference{}
	add := func(s string, r imageref.Reference) {
		if _, ok := parsed[s]; !ok {
			order = append(order, s)
			parsed[s] = r
		}
	}
	for _, p := range f.Pairs {
		add(p.Runtime.V, p.Runtime.Ref)
		add(p.NodeJS.V, p.NodeJS.Ref)
	}
	plugin, err := imageref.Parse(f.Plugin.BaseImage.V)
	if err != nil {
		return nil, nil, fmt.Errorf("plugin.base-image %q: %w", f.Plugin.BaseImage.V, err)
	}
	add(f.Plugin.BaseImage.V, plugin)
	return order, parsed, nil
}

// Unpinned is the digest Pin gives, offline, to a registry image whose
// digest it does not know: no registry serves it, so every file that names
// the image differs from what a render writes.
const Unpinned = "sha256:0000000000000000000000000000000000000000000000000000000000000000"

// Pin returns the pinned reference of every image of f, by reference as
// written. A reference that names its digest keeps it; known holds the
// digests an earlier render pinned, by name. With offline set, a check
// asks no registry: a registry image neither pinned in f nor known gets the
// digest Unpinned, and its reference is listed in unknown.
func Pin(ctx context.Context, f *matrix.File, r Resolver, known map[string]string, offline bool) (pins map[string]dockerfile.Image, unknown []string, err error) {
	order, parsed, err := refs(f)
	if err != nil {
		return nil, nil, err
	}
	base := filepath.Dir(f.Path)
	out := map[string]dockerfile.Image{}
	for _, s := range order {
		ref := parsed[s].WithBase(base)
		if ref.Transport == imageref.Registry {
			name, digest, pinned := strings.Cut(s, "@")
			if pinned {
				out[s] = dockerfile.Image{Ref: name, Digest: digest}
				continue
			}
			if d, ok := known[s]; ok {
				out[s] = dockerfile.Image{Ref: s, Digest: d}
				continue
			}
			if offline {
				out[s] = dockerfile.Image{Ref: s, Digest: Unpinned}
				unknown = append(unknown, s)
				continue
			}
		}
		pin, err := r.Resolve(ctx, ref)
		if err != nil {
			return nil, nil, err
		}
		out[s] = dockerfile.Image{Ref: pin.Name, Digest: pin.Digest}
	}
	return out, unknown, nil
}
