package reader

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/sammatrix/sammatrix/inspect"
)

// RegistryError is an operational failure talking to a registry: it cannot
// be reached, or it refuses the credentials.
type RegistryError struct {
	Registry string
	Err      error
}

func (e *RegistryError) Error() string {
	return fmt.Sprintf("registry %s: %v", e.Registry, e.Err)
}

func (e *RegistryError) Unwrap() error { return e.Err }

// LayerError is a layer that could not be read or whose bytes do not match
// its digest.
type LayerError struct {
	Image string
	Layer string
	Err   error
}

func (e *LayerError) Error() string {
	return fmt.Sprintf("reading layer %s of %q: %v", e.Layer, e.Image, e.Err)
}

func (e *LayerError) Unwrap() error { return e.Err }

// classifyRemote turns a registry error into inspect.ErrNotFound or a *RegistryError.
func classifyRemote(registry, ref string, err error) error {
	var terr *transport.Error
	if errors.As(err, &terr) {
		for _, d := range terr.Errors {
			if d.Code == transport.ManifestUnknownErrorCode || d.Code == transport.NameUnknownErrorCode {
				return fmt.Errorf("resolving %q: %w (%s)", ref, inspect.ErrNotFound, d.Message)
			}
		}
		switch terr.StatusCode {
		case http.StatusNotFound:
			return fmt.Errorf("resolving %q: %w", ref, inspect.ErrNotFound)
		case http.StatusUnauthorized, http.StatusForbidden:
			return &RegistryError{Registry: registry, Err: fmt.Errorf("refused the credentials for %q (HTTP %d); log in with docker login or check the credential helper", ref, terr.StatusCode)}
		}
	}
	return &RegistryError{Registry: registry, Err: err}
}
