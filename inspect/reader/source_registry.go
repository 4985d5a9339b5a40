package reader

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/imageref"
)

// registrySource reads images from registries, through the mirrors, with
// the credentials of the keychain, retries and timeouts.
type registrySource struct {
	opts *Options

	// puller keeps one authenticated transport per repository, so that
	// the images of a run ping each registry and ask it for a token once
	// per repository, not once per image.
	puller     *remote.Puller
	pullerErr  error
	pullerOnce sync.Once
}

var _ Source = (*registrySource)(nil)

// retryCodes are the HTTP status codes a registry request is retried on.
var retryCodes = []int{408, 429, 500, 502, 503, 504}

// registryRef applies the mirrors and the insecure registries to a reference.
func (s *registrySource) registryRef(ref imageref.Reference) (name.Reference, error) {
	n := ref.Name
	full := n.Name()
	for _, m := range s.opts.Mirrors {
		if full == m.From || strings.HasPrefix(full, m.From+"/") {
			full = m.To + strings.TrimPrefix(full, m.From)
			break
		}
	}
	var nopts []name.Option
	reg := full[:strings.IndexAny(full+"/", "/")]
	if slices.Contains(s.opts.Insecure, reg) {
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

// remote returns the run's Puller.
func (s *registrySource) remote() (*remote.Puller, error) {
	s.pullerOnce.Do(func() {
		s.puller, s.pullerErr = remote.NewPuller(
			remote.WithAuthFromKeychain(s.opts.Keychain),
			remote.WithRetryBackoff(remote.Backoff{Duration: defaultBackoff, Factor: 2, Jitter: 0.1, Steps: defaultRetries}),
			remote.WithRetryStatusCodes(retryCodes...),
			remote.WithUserAgent("sammatrix"),
			remote.WithTransport(s.opts.Transport),
		)
	})
	return s.puller, s.pullerErr
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

// Open resolves a registry reference, through the mirrors, to the image of
// the wanted platform.
func (s *registrySource) Open(ctx context.Context, ref imageref.Reference) (v1.Image, func(), error) {
	img, err := s.open(ctx, ref)
	return img, func() {}, err
}

func (s *registrySource) open(ctx context.Context, ref imageref.Reference) (v1.Image, error) {
	if tag, digest := ref.Identifier(); tag == "" && digest == "" {
		return nil, fmt.Errorf("resolving %q: name a tag or a digest, e.g. %s:latest", ref, ref.Repository())
	}
	n, err := s.registryRef(ref)
	if err != nil {
		return nil, err
	}
	registry := n.Context().RegistryStr()
	puller, err := s.remote()
	if err != nil {
		return nil, err
	}
	desc, err := puller.Get(ctx, n)
	if err != nil {
		return nil, classifyRegistry(registry, ref.String(), err)
	}
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		if err != nil {
			return nil, classifyRegistry(registry, ref.String(), err)
		}
		img, err := selectPlatform(idx, s.opts.Platform, 0)
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
