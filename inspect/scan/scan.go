package scan

import (
	"errors"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sync/semaphore"

	"github.com/sammatrix/sammatrix/inspect/elfabi"
	"github.com/sammatrix/sammatrix/inspect/rpmdb"
)

// AnalyzerVersion identifies what an Index contains; it changes whenever the
// contents of an Index change, so that cached indexes are not reused across
// such changes.
const AnalyzerVersion = 4

// Limits on what is read into memory or spilled to disk for one file.
const (
	// MaxTextSize is the largest text file of interest whose contents are kept.
	MaxTextSize = 64 << 10
	// MaxELFMemory is the largest ELF file buffered in memory to read its facts.
	MaxELFMemory = 16 << 20
	// MaxELFSize is the largest ELF file whose facts are read (larger than
	// MaxELFMemory, it goes through a temporary file).
	MaxELFSize = 1 << 30
	// MaxWarnings is the number of warnings kept on an Index; further ones are
	// counted in a last warning.
	MaxWarnings = 100
	// MaxZstdWindow is the largest zstd window a layer may ask for.
	MaxZstdWindow = 128 << 20
)

// ErrDigestMismatch is wrapped by the error of Layer when the blob read does
// not have the expected digest.
var ErrDigestMismatch = errors.New("layer digest mismatch")

// Kind is the kind of an Entry.
type Kind string

// Kinds of entries.
const (
	// File is a regular file (or a hardlink bound to one).
	File Kind = "file"
	// Dir is a directory.
	Dir Kind = "dir"
	// Symlink is a symbolic link.
	Symlink Kind = "symlink"
	// Hardlink is a hardlink to a file whose facts are not in the layer index.
	Hardlink Kind = "hardlink"
	// Whiteout deletes the path from the layers below.
	Whiteout Kind = "whiteout"
	// Opaque hides the children of the directory in the layers below.
	Opaque Kind = "opaque"
)

// Entry is one entry of interest of a layer.
type Entry struct {
	// Path is absolute and clean: "/usr/lib64/libc.so.6".
	Path string `json:"p"`
	Kind Kind   `json:"k"`
	// Mode holds the permission bits (0o7777).
	Mode uint32 `json:"m,omitempty"`
	Size int64  `json:"s,omitempty"`
	// Link is, for a symlink, its target as written in the archive; for a
	// hardlink (bound or not), the absolute clean path of the file it names.
	Link string `json:"l,omitempty"`
	// Digest is "sha256:<hex>" of the contents, for regular files under
	// /var/lang and /opt and for shared libraries.
	Digest string `json:"d,omitempty"`
	// Data holds the contents of small text files of interest, at most
	// MaxTextSize bytes.
	Data []byte       `json:"b,omitempty"`
	ELF  *elfabi.File `json:"e,omitempty"`
	// ELFError says why an ELF file whose facts are wanted (one with a
	// Digest) has no ELF facts: it is larger than MaxELFSize, malformed, or
	// a program whose dynamic table cannot be found (elfabi.ErrNoDynamic).
	// What such a file needs is unknown, not nothing.
	ELFError string `json:"ee,omitempty"`
	// Version is the release found in the program, e.g. "v20.18.1" from
	// node's "node/v20.18.1".
	Version string `json:"v,omitempty"`
	RPM     *RPM   `json:"r,omitempty"`
}

// RPM is the package list of an rpm database found in a layer.
type RPM struct {
	Format   rpmdb.Format    `json:"format"`
	Packages []rpmdb.Package `json:"packages"`
}

// Index is what a layer holds of interest.
type Index struct {
	// Entries are in archive order.
	Entries []Entry `json:"entries"`
	// Warnings describe what was skipped or could not be read; at most
	// MaxWarnings plus one that counts the others.
	Warnings []string `json:"warnings,omitempty"`
	// Files is the number of tar entries read.
	Files int64 `json:"files"`
	// Size is the number of uncompressed bytes read.
	Size int64 `json:"size"`
}

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

	// maxELFSize overrides MaxELFSize when set, for tests.
	maxELFSize int64
}

// ProgressInterval is about how many bytes are read between two calls of
// Options.Progress.
const ProgressInterval = 64 << 10
