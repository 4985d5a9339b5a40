package scan

import (
	"archive/tar"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// BenchmarkLayer scans a gzip layer of about 64 MB (uncompressed) of
// binary-like files: shared libraries, programs and data, as in a
// runtime image.
func BenchmarkLayer(b *testing.B) {
	archive := benchArchive(b, 64<<20)
	blob := gzipped(b, archive)
	want := digestOf(blob)
	tmp := b.TempDir()
	b.SetBytes(int64(len(archive)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Layer(bytes.NewReader(blob), want, Options{TempDir: tmp}); err != nil {
			b.Fatal(err)
		}
	}
}

// benchArchive returns a tar of size bytes or so whose files compress about
// as well as binaries do (2–3×).
func benchArchive(b *testing.B, size int) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	noise := pseudoRandom(1 << 20)
	body := func(n, seed int) []byte {
		out := make([]byte, 0, n)
		out = append(out, "\x7fELF\x02\x01\x01"...)
		for len(out) < n {
			// Runs of zeros and repeated words among random bytes.
			k := (seed*7919 + len(out)) % (len(noise) - 256)
			out = append(out, noise[k:k+96]...)
			out = append(out, make([]byte, 64)...)
			out = append(out, "GLIBC_2.2.5 GLIBCXX_3.4.29 _ZNSt6vector"...)
		}
		return out[:n]
	}
	paths := []string{"usr/lib64/lib%d.so.1", "var/lang/lib/mod%d.so", "usr/bin/prog%d", "usr/share/data%d"}
	for i := 0; buf.Len() < size; i++ {
		data := body(256<<10+i%7*(100<<10), i)
		name := fmt.Sprintf(paths[i%len(paths)], i)
		if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(data))}); err != nil {
			b.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			b.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkInflate decompresses the blob of BenchmarkLayer to io.Discard
// with the same decoder, and does nothing else: the floor of a scan on one
// core. Compare BenchmarkLayer with it in the same run.
func BenchmarkInflate(b *testing.B) {
	archive := benchArchive(b, 64<<20)
	blob := gzipped(b, archive)
	b.SetBytes(int64(len(archive)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		// Through a bufio.Reader, as Layer reads: the decoder has a
		// faster path for it.
		zr, err := gzip.NewReader(bufio.NewReaderSize(bytes.NewReader(blob), chunkSize))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, zr); err != nil {
			b.Fatal(err)
		}
	}
}
