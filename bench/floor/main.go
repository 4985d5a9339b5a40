// Command floor decompresses layer blobs one after another, on one core, to
// io.Discard with the decoders sammatrix inspect uses (klauspost/compress):
// the floor a scan of the same blobs cannot beat on one CPU.
//
//	go run ./bench/floor BLOB...
//
// A blob is gzip, zstd or an uncompressed tar, told apart by its first
// bytes, as inspect does. It prints the uncompressed bytes read.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: floor BLOB...")
		os.Exit(2)
	}
	var total int64
	for _, p := range os.Args[1:] {
		n, err := inflate(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "floor:", err)
			os.Exit(1)
		}
		total += n
	}
	fmt.Println(total)
}

// inflate decompresses the blob at p to io.Discard and returns its
// uncompressed size.
func inflate(p string) (int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	magic, _ := br.Peek(4)
	var r io.Reader = br
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return 0, fmt.Errorf("reading gzip header of %s: %w", p, err)
		}
		defer zr.Close()
		r = zr
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return 0, fmt.Errorf("reading zstd header of %s: %w", p, err)
		}
		defer zr.Close()
		r = zr
	}
	n, err := io.Copy(io.Discard, r)
	if err != nil {
		return n, fmt.Errorf("decompressing %s: %w", p, err)
	}
	return n, nil
}
