package reader

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/imageref"
)

// layoutSource reads images from OCI image layouts on disk: oci:DIR.
type layoutSource struct {
	platform v1.Platform
}

var _ Source = (*layoutSource)(nil)

// refNameAnnotation names an image in an OCI layout's index.json.
const refNameAnnotation = "org.opencontainers.image.ref.name"

// Open opens the image of ref in the layout at ref.Path.
func (s *layoutSource) Open(_ context.Context, ref imageref.Reference) (v1.Image, func(), error) {
	img, err := s.openDir(ref.Path, ref)
	return img, func() {}, err
}

// openLayout opens the image ref names in the OCI layout at dir: by tag (the
// ref.name annotation), by digest, or the only image when neither is given.
// Messages name the archive when ref is an oci-archive extracted to dir.
func (s *layoutSource) openDir(dir string, ref imageref.Reference) (v1.Image, error) {
	src := fmt.Sprintf("OCI layout %q", dir)
	if ref.Transport == imageref.OCIArchive {
		src = fmt.Sprintf("OCI archive %q", ref.Path)
	}
	if _, err := os.Stat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("opening %s: %w", src, inspect.ErrNotFound)
		}
		return nil, fmt.Errorf("opening %s: %w", src, err)
	}
	if err := checkLayout(dir); err != nil {
		return nil, fmt.Errorf("opening %s: %w", src, err)
	}
	p, err := layout.FromPath(dir)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", src, err)
	}
	idx, err := p.ImageIndex()
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", src, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", src, err)
	}
	var chosen *v1.Descriptor
	var tags []string
	for i, m := range im.Manifests {
		tag := m.Annotations[refNameAnnotation]
		if tag != "" {
			tags = append(tags, tag)
		}
		switch {
		case ref.Digest != "" && m.Digest.String() == ref.Digest,
			ref.Tag != "" && ref.Digest == "" && tag == ref.Tag:
			chosen = &im.Manifests[i]
		}
		if chosen != nil {
			break
		}
	}
	if chosen == nil && ref.Tag == "" && ref.Digest == "" && len(im.Manifests) == 1 {
		chosen = &im.Manifests[0]
	}
	if chosen == nil {
		what := "an image"
		switch {
		case ref.Digest != "":
			what = "digest " + ref.Digest
		case ref.Tag != "":
			what = "tag " + ref.Tag
		default:
			return nil, fmt.Errorf("opening %s: it holds %d images; name one with :TAG or @DIGEST (tags: %s)", src, len(im.Manifests), strings.Join(tags, ", "))
		}
		return nil, fmt.Errorf("opening %s: %w: no %s (tags: %s)", src, inspect.ErrNotFound, what, strings.Join(tags, ", "))
	}
	if chosen.MediaType.IsIndex() {
		child, err := idx.ImageIndex(chosen.Digest)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", src, err)
		}
		img, err := selectPlatform(child, s.platform, 0)
		if err != nil {
			return nil, fmt.Errorf("resolving %q: %w", ref, err)
		}
		return img, nil
	}
	img, err := idx.Image(chosen.Digest)
	if err != nil {
		return nil, err
	}
	if n := chosen.Annotations[imageNameAnnotation]; n != "" {
		return namedImage{img, n}, nil
	}
	return img, nil
}

// imageNameAnnotation names, in an OCI layout's index.json, the registry
// reference an image was saved from, as containerd, BuildKit and nerdctl
// write it.
const imageNameAnnotation = "io.containerd.image.name"

// namedImage is an image of a layout that records the registry reference it
// was saved from.
type namedImage struct {
	v1.Image
	name string
}

// RegistryName returns the registry reference the image was saved from.
func (n namedImage) RegistryName() string { return n.name }

// checkLayout tells a directory that is not an OCI image layout from one
// that is: a layout has index.json, and oci-layout beside it.
func checkLayout(dir string) error {
	var missing []string
	for _, name := range []string{"index.json", "oci-layout"} {
		if _, err := os.Stat(filepath.Join(dir, name)); errors.Is(err, fs.ErrNotExist) {
			missing = append(missing, name)
		}
	}
	if !slices.Contains(missing, "index.json") {
		// A layout written without oci-layout still names its images.
		return nil
	}
	return fmt.Errorf("%w: not an OCI image layout: no %s", inspect.ErrNotFound, strings.Join(missing, ", no "))
}
