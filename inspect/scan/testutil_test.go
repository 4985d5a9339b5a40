package scan

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"slices"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/sammatrix/sammatrix/inspect/layer"
	"github.com/zeebo/xxh3"
)

// ent is one tar entry to write in a test archive.
type ent struct {
	name string
	typ  byte   // tar.TypeReg when 0
	body string // contents of a regular file
	link string // symlink or hardlink target
	mode int64  // 0o644 when 0
}

func file(name, body string) ent { return ent{name: name, body: body} }
func dir(name string) ent        { return ent{name: name, typ: tar.TypeDir, mode: 0o755} }
func symlink(name, to string) ent {
	return ent{name: name, typ: tar.TypeSymlink, link: to, mode: 0o777}
}
func hardlink(name, to string) ent { return ent{name: name, typ: tar.TypeLink, link: to} }

// makeTar returns a complete tar archive of the entries.
func makeTar(t testing.TB, entries ...ent) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Linkname: e.link, Mode: e.mode, Format: tar.FormatPAX}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(e.body))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatalf("writing header %q: %v", e.name, err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatalf("writing %q: %v", e.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipped(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zstded(t testing.TB, b []byte) []byte {
	zw, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer zw.Close()
	return zw.EncodeAll(b, nil)
}

func digestOf(b []byte) v1.Hash {
	sum := sha256.Sum256(b)
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(sum[:])}
}

// fp is the fingerprint of contents s, computed from its definition: the
// XXH3-128 of s up to 64 KiB, else the XXH3-128 of the XXH3-128 of each
// 64 KiB piece.
func fp(s string) string {
	const piece = 64 << 10
	sum := xxh3.HashString128(s).Bytes()
	if len(s) > piece {
		var hashes []byte
		for p := range slices.Chunk([]byte(s), piece) {
			h := xxh3.Hash128(p).Bytes()
			hashes = append(hashes, h[:]...)
		}
		sum = xxh3.Hash128(hashes).Bytes()
	}
	return "xxh3-64k:" + hex.EncodeToString(sum[:])
}

// scanTar scans a tar archive with a fresh temporary directory, which it
// checks is left empty.
func scanTar(t testing.TB, archive []byte) *layer.Index {
	tmp := t.TempDir()
	idx, err := Tar(bytes.NewReader(archive), Options{TempDir: tmp})
	if err != nil {
		t.Fatalf("Tar() error: %v", err)
	}
	assertEmpty(t, tmp)
	return idx
}

func assertEmpty(t testing.TB, dir string) {
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range left {
		t.Errorf("left in the temporary directory: %s", f.Name())
	}
}

// find returns the entries at path p, in archive order.
func find(idx *layer.Index, p string) []layer.Entry {
	var es []layer.Entry
	for _, e := range idx.Entries {
		if e.Path == p {
			es = append(es, e)
		}
	}
	return es
}

// committed returns a committed test file, or skips if it is absent.
func committed(t testing.TB, rel string) []byte {
	b, err := os.ReadFile("../../testdata/fixtures/" + rel)
	if err != nil {
		t.Skipf("fixture missing: %v", err)
	}
	return b
}
