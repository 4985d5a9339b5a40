package synth

import (
	"archive/tar"
	"fmt"
	"io"
	"path"
)

// ZerosPath is where Options.Zeros puts its file: under /opt, whose files
// the scanner fingerprints.
const ZerosPath = "/opt/zeros/zeros.bin"

// writeZeros writes one layer holding a file of size zero bytes at ZerosPath.
func writeZeros(blobs string, size int64) ([]Layer, error) {
	l, err := writeBlob(blobs, func(w io.Writer) (int, error) {
		tw := tar.NewWriter(w)
		dir := path.Dir(ZerosPath)
		for _, d := range []string{path.Dir(dir), dir} {
			if err := tw.WriteHeader(&tar.Header{Name: d[1:] + "/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: ModTime}); err != nil {
				return 0, err
			}
		}
		if err := tw.WriteHeader(&tar.Header{Name: ZerosPath[1:], Typeflag: tar.TypeReg, Mode: 0o644, Size: size, ModTime: ModTime}); err != nil {
			return 0, err
		}
		if _, err := io.CopyN(tw, zeroReader{}, size); err != nil {
			return 0, err
		}
		return 1, tw.Close()
	})
	if err != nil {
		return nil, fmt.Errorf("writing the zeros layer: %w", err)
	}
	return []Layer{l}, nil
}

// zeroReader reads zeros forever.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
