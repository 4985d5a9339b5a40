package reader

import (
	"context"
	"fmt"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/imageref"
)

// Source opens the images of one transport; there is one per transport,
// each in a file of its own (source_<transport>.go).
type Source interface {
	// Open resolves ref to one image of the wanted platform. release frees
	// what the source holds for the image (an extraction) and must be
	// called once the image's blobs are no longer read. A reference that
	// does not resolve gives an error wrapping inspect.ErrNotFound.
	Open(ctx context.Context, ref imageref.Reference) (img v1.Image, release func(), err error)
}

// newSources returns the source of each transport, configured by opts.
func newSources(opts *Options) map[imageref.Transport]Source {
	layout := &layoutSource{platform: opts.Platform}
	return map[imageref.Transport]Source{
		imageref.Registry:      &registrySource{opts: opts},
		imageref.OCI:           layout,
		imageref.OCIArchive:    &ociArchiveSource{layout: layout, tempDir: opts.TempDir},
		imageref.DockerArchive: dockerArchiveSource{},
	}
}

// open resolves a reference with the source of its transport.
func (in *Inspector) open(ctx context.Context, ref imageref.Reference) (v1.Image, func(), error) {
	src, ok := in.sources[ref.Transport]
	if !ok {
		return nil, func() {}, fmt.Errorf("opening %q: unknown transport %q", ref, ref.Transport)
	}
	return src.Open(ctx, ref)
}

// selectPlatform picks the image of platform want from an index, looking
// into nested indexes. When there is none, the error lists what there is.
func selectPlatform(idx v1.ImageIndex, want v1.Platform, depth int) (v1.Image, error) {
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("reading image index: %w", err)
	}
	var have []string
	for _, m := range im.Manifests {
		switch {
		case m.MediaType.IsIndex() && depth < 2:
			child, err := idx.ImageIndex(m.Digest)
			if err != nil {
				return nil, fmt.Errorf("reading nested index %s: %w", m.Digest, err)
			}
			if img, err := selectPlatform(child, want, depth+1); err == nil {
				return img, nil
			}
		case m.MediaType.IsImage():
			if m.Platform != nil && m.Platform.OS == want.OS && m.Platform.Architecture == want.Architecture &&
				(want.Variant == "" || m.Platform.Variant == want.Variant) {
				return idx.Image(m.Digest)
			}
			if p := inspect.PlatformString(m.Platform); !slices.Contains(have, p) {
				have = append(have, p)
			}
		}
	}
	if len(have) == 0 {
		have = []string{"none"}
	}
	return nil, fmt.Errorf("%w %s: the index has %s", inspect.ErrPlatform, inspect.PlatformString(&want), strings.Join(have, ", "))
}
