package reader

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/imageref"
)

// ociArchiveSource reads images from OCI layout tarballs:
// oci-archive:FILE, extracted to a temporary directory.
type ociArchiveSource struct {
	layout  *layoutSource
	tempDir string
}

var _ Source = (*ociArchiveSource)(nil)

// Open extracts an OCI layout tarball into a temporary directory
// and opens it there. Only the layout's own files are extracted (oci-layout,
// index.json, blobs/<alg>/<hex>); anything else, and any name that would
// leave the directory, is refused. The directory is removed on every path
// but success, where the returned func removes it; the extraction stops
// when ctx is cancelled.
func (s *ociArchiveSource) Open(ctx context.Context, ref imageref.Reference) (v1.Image, func(), error) {
	nop := func() {}
	f, err := os.Open(ref.Path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nop, fmt.Errorf("opening OCI archive %q: %w", ref.Path, inspect.ErrNotFound)
		}
		return nil, nop, fmt.Errorf("opening OCI archive %q: %w", ref.Path, err)
	}
	defer f.Close()
	dir, err := os.MkdirTemp(s.tempDir, "sammatrix-oci-archive-")
	if err != nil {
		return nil, nop, fmt.Errorf("opening OCI archive %q: %w", ref.Path, err)
	}
	cleanup := func() { os.RemoveAll(dir) }
	if err := extractLayout(ctx, f, dir); err != nil {
		cleanup()
		return nil, nop, fmt.Errorf("extracting OCI archive %q: %w", ref.Path, err)
	}
	img, err := s.layout.openDir(dir, ref)
	if err != nil {
		cleanup()
		return nil, nop, err
	}
	return img, cleanup, nil
}

func extractLayout(ctx context.Context, r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "./"))
		switch h.Typeflag {
		case tar.TypeDir:
			continue
		case tar.TypeReg:
		default:
			return fmt.Errorf("entry %q: only regular files belong in an OCI layout", h.Name)
		}
		parts := strings.Split(name, "/")
		ok := name == "oci-layout" || name == "index.json" ||
			(len(parts) == 3 && parts[0] == "blobs" && isHexName(parts[1]) && isHexName(parts[2]))
		if !ok {
			return fmt.Errorf("entry %q: not a file of an OCI layout", h.Name)
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		// A blob may be gigabytes: check ctx between reads, not files.
		_, cerr := io.Copy(out, contextReader{ctx, tr})
		if err := errors.Join(cerr, out.Close()); err != nil {
			return err
		}
	}
}

func isHexName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}
