package reader

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/imageref"
)

// dockerArchiveSource reads images from docker save tarballs:
// docker-archive:FILE.
type dockerArchiveSource struct{}

var _ Source = dockerArchiveSource{}

// Open opens the image of the archive at ref.Path.
func (dockerArchiveSource) Open(_ context.Context, ref imageref.Reference) (v1.Image, func(), error) {
	img, err := openDockerArchive(ref)
	return img, func() {}, err
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
