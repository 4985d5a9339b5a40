package scan

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/sammatrix/sammatrix/inspect/layer"
)

// Magic bytes of the compressed layer formats.
var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// Layer scans a layer blob as stored: gzip, zstd or uncompressed tar, told
// apart by their first bytes. It reads the blob once, to its end, and checks
// that its sha256 digest is want: a mismatch gives an error wrapping
// ErrDigestMismatch, a blob cut short an error too.
func Layer(r io.Reader, want v1.Hash, opts Options) (*layer.Index, error) {
	if want.Algorithm != "sha256" {
		return nil, fmt.Errorf("verifying layer %s: unsupported digest algorithm %q", want, want.Algorithm)
	}
	raw := &counter{r: r, progress: opts.Progress}
	// With a CPU to spare, the digest is computed on another goroutine,
	// beside decompression; without, in line.
	var src io.Reader
	var sum func() []byte
	if opts.SpareCPU {
		hr := newHashingReader(raw, sha256.New())
		defer hr.stop()
		src, sum = hr, hr.sum
	} else {
		h := sha256.New()
		src, sum = io.TeeReader(raw, h), func() []byte { return h.Sum(nil) }
	}
	br := bufio.NewReaderSize(src, chunkSize)
	s := newScanner(opts)
	size, scanErr := scanBlob(s, br, func() int64 { return raw.n })
	// Read what is left (after a failure too) so that the digest covers
	// every byte, and a tampered blob is reported as such.
	_, drainErr := io.Copy(io.Discard, br)
	raw.done()
	got := v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(sum())}
	switch {
	case drainErr != nil && scanErr == nil:
		return nil, fmt.Errorf("reading layer %s: %w", want, drainErr)
	case drainErr != nil:
		return nil, fmt.Errorf("reading layer %s: %w", want, scanErr)
	case got != want && scanErr != nil:
		return nil, fmt.Errorf("verifying layer: %w: blob is %s, want %s; reading it: %w", ErrDigestMismatch, got, want, scanErr)
	case got != want:
		return nil, fmt.Errorf("verifying layer: %w: blob is %s, want %s", ErrDigestMismatch, got, want)
	case scanErr != nil:
		return nil, fmt.Errorf("reading layer %s: %w", want, scanErr)
	}
	s.idx.Size = size
	return s.finish(), nil
}

// scanBlob decompresses the blob if needed and scans the tar stream in it,
// to the end of the compressed stream. It returns the uncompressed size.
func scanBlob(s *scanner, br *bufio.Reader, compressed func() int64) (int64, error) {
	magic, _ := br.Peek(len(zstdMagic))
	var dec io.Reader = br
	switch {
	case bytes.HasPrefix(magic, gzipMagic):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return 0, fmt.Errorf("reading gzip header: %w", err)
		}
		defer zr.Close()
		dec = zr
	case bytes.HasPrefix(magic, zstdMagic):
		zr, err := zstd.NewReader(br,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(MaxZstdWindow))
		if err != nil {
			return 0, fmt.Errorf("reading zstd header: %w", err)
		}
		defer zr.Close()
		dec = zr
	}
	if s.opts.SpareCPU {
		ra := newReadAhead(dec, compressed)
		defer ra.stop()
		dec = ra
	}
	c := &counter{r: dec}
	if s.opts.DiffID.Hex != "" {
		c.h = sha256.New()
	}
	if err := s.scan(c); err != nil {
		return c.n, err
	}
	// Decompress to the end: the gzip checksum and a later stream are
	// only checked there.
	if _, err := io.Copy(io.Discard, c); err != nil {
		return c.n, fmt.Errorf("reading past the tar end: %w", err)
	}
	if c.h != nil {
		got := v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(c.h.Sum(nil))}
		if got != s.opts.DiffID {
			return c.n, fmt.Errorf("%w: uncompressed layer is %s, the config's diff_id is %s", ErrDigestMismatch, got, s.opts.DiffID)
		}
	}
	return c.n, nil
}
