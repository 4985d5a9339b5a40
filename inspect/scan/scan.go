package scan

import (
	"errors"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sync/semaphore"
)

// AnalyzerVersion identifies what a layer.Index contains and how caches
// encode it; it changes whenever the contents of a layer.Index or their
// encoding change, so that cached indexes are not reused across such
// changes.
const AnalyzerVersion = 7

// Limits on what is read into memory or spilled to disk for one file.
const (
	// MaxTextSize is the largest text file of interest whose contents are kept.
	MaxTextSize = 64 << 10
	// MaxELFMemory is the largest ELF file buffered in memory to read its facts.
	MaxELFMemory = 16 << 20
	// MaxELFSize is the largest ELF file whose facts are read (larger than
	// MaxELFMemory, it goes through a temporary file).
	MaxELFSize = 1 << 30
	// MaxWarnings is the number of warnings kept on a layer.Index; further ones are
	// counted in a last warning.
	MaxWarnings = 100
	// MaxZstdWindow is the largest zstd window a layer may ask for.
	MaxZstdWindow = 128 << 20
)

// ErrDigestMismatch is wrapped by the error of Layer when the blob read does
// not have the expected digest.
var ErrDigestMismatch = errors.New("layer digest mismatch")

// Options tune a scan; the zero value is ready to use.
type Options struct {
	// TempDir is where large files are spilled; "" means os.TempDir().
	TempDir string
	// Progress, if set, is called with the number of blob bytes read so far
	// (compressed bytes for Layer), about every ProgressInterval bytes and at
	// the end.
	Progress func(compressed int64)
	// DiffID, if set, is the sha256 the uncompressed layer must have (the
	// image config's rootfs.diff_ids). Layer checks it when the blob's own
	// digest proves little: a docker-archive names no blob digest, so it is
	// computed from the very bytes being read.
	DiffID v1.Hash
	// Memory, if set, is shared by the scans that run at once: an ELF file
	// is buffered in memory only while the budget has room for it, and
	// spilled to TempDir otherwise.
	Memory *semaphore.Weighted
	// SpareCPU says a CPU would otherwise sit idle (a run of fewer jobs
	// than CPUs). Layer then decompresses on a goroutine of its own, a few
	// buffers ahead of the scan, and computes the blob's digest on
	// another; without a spare CPU it does both in line, which spares the
	// copies and hand-overs between goroutines.
	SpareCPU bool

	// maxELFSize overrides MaxELFSize when set, for tests.
	maxELFSize int64
}

// ProgressInterval is about how many bytes are read between two calls of
// Options.Progress.
const ProgressInterval = 64 << 10
