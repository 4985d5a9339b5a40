package scan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/sammatrix/sammatrix/inspect/layer"
)

// layerArchive is a small layer used by the blob tests.
func layerArchive(t testing.TB) []byte {
	return makeTar(t,
		file("etc/os-release", "ID=amzn\n"),
		file("var/lang/bin/node", strings.Repeat("n", 100<<10)),
		symlink("lib64", "usr/lib64"),
	)
}

// readCounter counts the bytes read from a blob.
type readCounter struct {
	r io.Reader
	n int
}

func (c *readCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestLayerFormats(t *testing.T) {
	archive := layerArchive(t)
	want := scanTar(t, archive)
	tests := []struct {
		name string
		blob []byte
	}{
		{"plain", archive},
		{"gzip", gzipped(t, archive)},
		{"zstd", zstded(t, archive)},
		{"gzip multistream", append(gzipped(t, archive), gzipped(t, make([]byte, 4096))...)},
		{"plain with trailing bytes", append(slices.Clip(archive), make([]byte, 10000)...)},
	}
	for _, tt := range tests {
		for _, ahead := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/sparecpu=%v", tt.name, ahead), func(t *testing.T) {
				testLayerFormat(t, tt.blob, archive, want, ahead)
			})
		}
	}
}

// testLayerFormat scans blob, which holds archive, and compares the index
// with want.
func testLayerFormat(t *testing.T, blob, archive []byte, want *layer.Index, ahead bool) {
	tmp := t.TempDir()
	r := &readCounter{r: bytes.NewReader(blob)}
	idx, err := Layer(r, digestOf(blob), Options{TempDir: tmp, SpareCPU: ahead})
	if err != nil {
		t.Fatalf("Layer() error: %v", err)
	}
	assertEmpty(t, tmp)
	if r.n != len(blob) {
		t.Errorf("Layer() read %d bytes of the blob, want all %d", r.n, len(blob))
	}
	if len(idx.Entries) != len(want.Entries) {
		t.Fatalf("Layer() entries =\n%s\nwant\n%s", dump(idx.Entries), dump(want.Entries))
	}
	for i := range idx.Entries {
		if fmtEntry(idx.Entries[i]) != fmtEntry(want.Entries[i]) {
			t.Errorf("Layer() entry %d = %s, want %s", i, fmtEntry(idx.Entries[i]), fmtEntry(want.Entries[i]))
		}
	}
	if idx.Size < int64(len(archive)) {
		t.Errorf("Layer() Size = %d, want at least %d", idx.Size, len(archive))
	}
}

func fmtEntry(e layer.Entry) string { return dump([]layer.Entry{e}) }

func TestLayerErrors(t *testing.T) {
	archive := layerArchive(t)
	gz := gzipped(t, archive)
	zs := zstded(t, archive)
	flip := func(b []byte, i int) []byte {
		c := slices.Clone(b)
		c[i] ^= 0x01
		return c
	}
	tests := []struct {
		name     string
		blob     []byte
		digest   v1.Hash
		mismatch bool
		eof      bool // the error wraps io.ErrUnexpectedEOF
	}{
		{name: "gzip byte flipped in the data", blob: flip(gz, len(gz)/2), digest: digestOf(gz), mismatch: true},
		{name: "gzip byte flipped in the checksum", blob: flip(gz, len(gz)-6), digest: digestOf(gz), mismatch: true},
		{name: "zstd byte flipped", blob: flip(zs, len(zs)/2), digest: digestOf(zs), mismatch: true},
		{name: "plain byte flipped in contents", blob: flip(archive, 1024), digest: digestOf(archive), mismatch: true},
		{name: "byte appended", blob: append(slices.Clip(gz), 0), digest: digestOf(gz), mismatch: true},
		{name: "gzip truncated", blob: gz[:len(gz)-10], digest: digestOf(gz), mismatch: true, eof: true},
		{name: "gzip truncated with its own digest", blob: gz[:len(gz)/2], digest: digestOf(gz[:len(gz)/2]), eof: true},
		{name: "zstd truncated with its own digest", blob: zs[:len(zs)/2], digest: digestOf(zs[:len(zs)/2]), eof: true},
		{name: "plain truncated with its own digest", blob: archive[:len(archive)/2], digest: digestOf(archive[:len(archive)/2]), eof: true},
		{name: "empty blob", blob: nil, digest: digestOf(nil), eof: true},
		{name: "gzip corrupted with its own digest", blob: flip(gz, len(gz)-6), digest: digestOf(flip(gz, len(gz)-6))},
	}
	for _, tt := range tests {
		for _, ahead := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/sparecpu=%v", tt.name, ahead), func(t *testing.T) {
				tmp := t.TempDir()
				idx, err := Layer(bytes.NewReader(tt.blob), tt.digest, Options{TempDir: tmp, SpareCPU: ahead})
				assertEmpty(t, tmp)
				if err == nil {
					t.Fatalf("Layer() = %d entries, want an error", len(idx.Entries))
				}
				if got := errors.Is(err, ErrDigestMismatch); got != tt.mismatch {
					t.Errorf("Layer() error = %v; errors.Is(ErrDigestMismatch) = %v, want %v", err, got, tt.mismatch)
				}
				if tt.mismatch && (!strings.Contains(err.Error(), tt.digest.String()) || !strings.Contains(err.Error(), digestOf(tt.blob).String())) {
					t.Errorf("Layer() error = %v, want both digests named", err)
				}
				if tt.eof && !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("Layer() error = %v, want io.ErrUnexpectedEOF", err)
				}
			})
		}
	}
}

// failingReader returns its data, then an error.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestLayerReadError(t *testing.T) {
	gz := gzipped(t, layerArchive(t))
	broken := errors.New("connection reset")
	_, err := Layer(&failingReader{data: gz[:len(gz)/2], err: broken}, digestOf(gz), Options{TempDir: t.TempDir()})
	if !errors.Is(err, broken) {
		t.Errorf("Layer() error = %v, want the read error", err)
	}
}

func TestLayerDigestAlgorithm(t *testing.T) {
	archive := layerArchive(t)
	_, err := Layer(bytes.NewReader(archive), v1.Hash{Algorithm: "sha512", Hex: strings.Repeat("0", 128)}, Options{})
	if err == nil || !strings.Contains(err.Error(), `unsupported digest algorithm "sha512"`) {
		t.Errorf("Layer(sha512 digest) error = %v, want unsupported digest algorithm", err)
	}
}

func TestLayerProgress(t *testing.T) {
	gz := gzipped(t, makeTar(t, file("opt/random", string(pseudoRandom(400<<10)))))
	var last int64
	calls := 0
	_, err := Layer(bytes.NewReader(gz), digestOf(gz), Options{Progress: func(n int64) {
		if n < last {
			t.Errorf("Progress(%d) after Progress(%d), want increasing", n, last)
		}
		last = n
		calls++
	}})
	if err != nil {
		t.Fatal(err)
	}
	if last != int64(len(gz)) || calls < 2 {
		t.Errorf("Progress called %d times, last with %d, want several ending with the blob size %d", calls, last, len(gz))
	}
}

// pseudoRandom returns n bytes that do not compress.
func pseudoRandom(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

// TestLayerDiffID checks the uncompressed digest when one is given: a blob
// whose own digest is computed from itself (a docker-archive) is still
// caught when its contents change.
func TestLayerDiffID(t *testing.T) {
	archive := layerArchive(t)
	gz := gzipped(t, archive)
	for _, tt := range []struct {
		name     string
		diffID   v1.Hash
		mismatch bool
	}{
		{"matching diff_id", digestOf(archive), false},
		{"other diff_id", digestOf(append(slices.Clip(archive), 0)), true},
		{"no diff_id", v1.Hash{}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Layer(bytes.NewReader(gz), digestOf(gz), Options{TempDir: t.TempDir(), DiffID: tt.diffID})
			if got := errors.Is(err, ErrDigestMismatch); got != tt.mismatch {
				t.Errorf("Layer(diff_id %s) error = %v, want a digest mismatch: %v", tt.diffID, err, tt.mismatch)
			}
		})
	}
}
