package reader

import (
	"bytes"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/sammatrix/sammatrix/inspect/imageref"
)

// configReader gives the config of an image, raw and parsed.
type configReader interface {
	config(ref imageref.Reference, img v1.Image, d v1.Hash) (raw []byte, cfg *v1.ConfigFile, err error)
}

// fetcher reads the config blob from the image's source.
type fetcher struct{ in *Inspector }

var _ configReader = fetcher{}

// config fetches the config of img, which must have the digest d.
func (f fetcher) config(ref imageref.Reference, img v1.Image, d v1.Hash) ([]byte, *v1.ConfigFile, error) {
	in := f.in
	raw, err := img.RawConfigFile()
	if err != nil {
		return nil, nil, fmt.Errorf("reading config of %q: %w", ref, err)
	}
	in.blobs.Add(1)
	in.blobBytes.Add(int64(len(raw)))
	if got, _, err := v1.SHA256(bytes.NewReader(raw)); err != nil || got != d {
		return nil, nil, fmt.Errorf("reading config of %q: the config's digest is %s, the manifest names %s", ref, got, d)
	}
	cfg, err := v1.ParseConfigFile(bytes.NewReader(raw))
	if err != nil {
		return nil, nil, fmt.Errorf("parsing config of %q: %w", ref, err)
	}
	return raw, cfg, nil
}
