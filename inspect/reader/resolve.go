package reader

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/sammatrix/sammatrix/inspect/imageref"
)

// Pin is an image as a Dockerfile's FROM names it: a registry reference
// (its tag, if any, without a digest) and the digest of the manifest of the
// platform.
type Pin struct {
	Name   string
	Digest string
}

// String returns the pinned reference, NAME@DIGEST.
func (p Pin) String() string { return p.Name + "@" + p.Digest }

// Resolve returns the pin of ref: for a registry image one manifest
// request (two for an index), no layer, and none when the Inspector has
// read the image already; for a local image its layout's
// index, which must record the registry reference the image was saved from
// (the io.containerd.image.name annotation that containerd, BuildKit and
// nerdctl write), since a Dockerfile cannot name a local directory.
func (in *Inspector) Resolve(ctx context.Context, ref imageref.Reference) (Pin, error) {
	if ref.Transport == imageref.Registry {
		// An image this Inspector has read: its digest is known.
		in.mu.Lock()
		d, ok := in.digests[ref.String()]
		in.mu.Unlock()
		if ok {
			return Pin{Name: withoutDigest(ref.String()), Digest: d.String()}, nil
		}
	}
	img, release, err := in.open(ctx, ref)
	if err != nil {
		return Pin{}, err
	}
	defer release()
	d, err := img.Digest()
	if err != nil {
		return Pin{}, fmt.Errorf("reading manifest of %q: %w", ref, err)
	}
	if ref.Transport == imageref.Registry {
		return Pin{Name: withoutDigest(ref.String()), Digest: d.String()}, nil
	}
	named, ok := img.(interface{ RegistryName() string })
	if !ok {
		return Pin{}, fmt.Errorf("pinning %q: a local image records no registry reference to name in FROM; save it with the %s annotation, or use its registry reference", ref, imageNameAnnotation)
	}
	if _, err := name.ParseReference(named.RegistryName()); err != nil {
		return Pin{}, fmt.Errorf("pinning %q: its %s annotation %q is not a reference: %w", ref, imageNameAnnotation, named.RegistryName(), err)
	}
	return Pin{Name: withoutDigest(named.RegistryName()), Digest: d.String()}, nil
}

// withoutDigest returns a reference as written without its digest: the
// repository and the tag, if there is one.
func withoutDigest(s string) string {
	name, _, _ := strings.Cut(s, "@")
	return name
}
