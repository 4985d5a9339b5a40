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

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/imageref"
)

// refNameAnnotation names an image in an OCI layout's index.json.
const refNameAnnotation = "org.opencontainers.image.ref.name"

// retryCodes are the HTTP status codes a registry request is retried on.
var retryCodes = []int{408, 429, 500, 502, 503, 504}

// open resolves a reference to one image of the wanted platform. close
// releases what the source holds (a temporary extraction) and must be
// called once the image's blobs are no longer read.
func (in *Inspector) open(ctx context.Context, ref imageref.Reference) (img v1.Image, close func(), err error) {
	nop := func() {}
	switch ref.Transport {
	case imageref.Registry:
		img, err := in.openRegistry(ctx, ref)
		return img, nop, err
	case imageref.OCI:
		img, err := in.openLayout(ref.Path, ref)
		return img, nop, err
	case imageref.OCIArchive:
		return in.openOCIArchive(ctx, ref)
	case imageref.DockerArchive:
		img, err := openDockerArchive(ref)
		return img, nop, err
	}
	return nil, nop, fmt.Errorf("opening %q: unknown transport %q", ref, ref.Transport)
}

// registryRef applies the mirrors and the insecure registries to a reference.
func (in *Inspector) registryRef(ref imageref.Reference) (name.Reference, error) {
	n := ref.Name
	full := n.Name()
	for _, m := range in.opts.Mirrors {
		if full == m.From || strings.HasPrefix(full, m.From+"/") {
			full = m.To + strings.TrimPrefix(full, m.From)
			break
		}
	}
	var nopts []name.Option
	reg := full[:strings.IndexAny(full+"/", "/")]
	if slices.Contains(in.opts.Insecure, reg) {
		nopts = append(nopts, name.Insecure)
	}
	if full == n.Name() && len(nopts) == 0 {
		return n, nil
	}
	out, err := name.ParseReference(full, nopts...)
	if err != nil {
		return nil, fmt.Errorf("mirroring %q as %q: %w", ref, full, err)
	}
	return out, nil
}

func (in *Inspector) remoteOptions(ctx context.Context) []remote.Option {
	opts := []remote.Option{
		remote.WithContext(ctx),
		remote.WithAuthFromKeychain(in.opts.Keychain),
		remote.WithRetryBackoff(remote.Backoff{Duration: DefaultBackoff, Factor: 2, Jitter: 0.1, Steps: DefaultRetries}),
		remote.WithRetryStatusCodes(retryCodes...),
		remote.WithUserAgent("sammatrix"),
		remote.WithTransport(in.opts.Transport),
	}
	return opts
}

// classifyRegistry is classifyRemote, except that a request that timed out
// is a *RegistryError naming what did not come in time.
func classifyRegistry(registry, ref string, err error) error {
	if te := lastTimeout(err); te != nil {
		if te.Host != registry {
			// A redirect, e.g. to the storage that serves the blobs.
			return &RegistryError{Registry: registry, Err: fmt.Errorf("%s: %w", te.Host, te)}
		}
		return &RegistryError{Registry: registry, Err: te}
	}
	return classifyRemote(registry, ref, err)
}

func (in *Inspector) openRegistry(ctx context.Context, ref imageref.Reference) (v1.Image, error) {
	if tag, digest := ref.Identifier(); tag == "" && digest == "" {
		return nil, fmt.Errorf("resolving %q: name a tag or a digest, e.g. %s:latest", ref, ref.Repository())
	}
	n, err := in.registryRef(ref)
	if err != nil {
		return nil, err
	}
	registry := n.Context().RegistryStr()
	desc, err := remote.Get(n, in.remoteOptions(ctx)...)
	if err != nil {
		return nil, classifyRegistry(registry, ref.String(), err)
	}
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		if err != nil {
			return nil, classifyRegistry(registry, ref.String(), err)
		}
		img, err := selectPlatform(idx, in.opts.Platform, 0)
		if errors.Is(err, inspect.ErrPlatform) {
			return nil, fmt.Errorf("resolving %q: %w", ref, err)
		}
		if err != nil {
			return nil, classifyRegistry(registry, ref.String(), err)
		}
		return img, nil
	}
	img, err := desc.Image()
	if err != nil {
		return nil, classifyRegistry(registry, ref.String(), err)
	}
	return img, nil
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

// openLayout opens the image ref names in the OCI layout at dir: by tag (the
// ref.name annotation), by digest, or the only image when neither is given.
// Messages name the archive when ref is an oci-archive extracted to dir.
func (in *Inspector) openLayout(dir string, ref imageref.Reference) (v1.Image, error) {
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
		img, err := selectPlatform(child, in.opts.Platform, 0)
		if err != nil {
			return nil, fmt.Errorf("resolving %q: %w", ref, err)
		}
		return img, nil
	}
	return idx.Image(chosen.Digest)
}

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

func openDockerArchive(ref imageref.Reference) (v1.Image, error) {
	if _, err := os.Stat(ref.Path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("opening docker archive %q: %w", ref.Path, inspect.ErrNotFound)
	}
	img, err := tarball.ImageFromPath(ref.Path, nil)
	if err != nil {
		return nil, fmt.Errorf("opening docker archive %q: %w", ref.Path, err)
	}
	return img, nil
}
