// Command flatten merges the layers of an image of an OCI layout into one
// filesystem tar stream with go-containerregistry's mutate.Extract and reads
// it to the end, as a tool that flattens an image before looking at it does:
//
//	go run ./bench/flatten DIR[:TAG]
//
// It prints the number of bytes of the flattened stream.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
)

const refNameAnnotation = "org.opencontainers.image.ref.name"

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: flatten DIR[:TAG]")
		os.Exit(2)
	}
	n, err := flatten(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "flatten:", err)
		os.Exit(1)
	}
	fmt.Println(n)
}

func flatten(arg string) (int64, error) {
	dir, tag, _ := strings.Cut(arg, ":")
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return 0, fmt.Errorf("opening OCI layout %q: %w", dir, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return 0, fmt.Errorf("reading OCI layout %q: %w", dir, err)
	}
	var img v1.Image
	for _, m := range im.Manifests {
		if tag == "" || m.Annotations[refNameAnnotation] == tag {
			if img, err = idx.Image(m.Digest); err != nil {
				return 0, fmt.Errorf("reading image %s of %q: %w", m.Digest, dir, err)
			}
			break
		}
	}
	if img == nil {
		return 0, fmt.Errorf("opening OCI layout %q: no image tagged %q", dir, tag)
	}
	rc := mutate.Extract(img)
	defer rc.Close()
	n, err := io.Copy(io.Discard, rc)
	if err != nil {
		return n, fmt.Errorf("flattening %q: %w", arg, err)
	}
	return n, nil
}
