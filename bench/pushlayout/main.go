// Command pushlayout pushes the image of an OCI layout to a registry over
// plain HTTP, for benchmarks that read images from a local registry:
//
//	go run ./bench/pushlayout DIR HOST/REPOSITORY:TAG
package main

import (
	"fmt"
	"os"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: pushlayout DIR HOST/REPOSITORY:TAG")
		os.Exit(2)
	}
	if err := push(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "pushlayout:", err)
		os.Exit(1)
	}
}

// push pushes the one image of the layout at dir to ref.
func push(dir, ref string) error {
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return fmt.Errorf("opening OCI layout %q: %w", dir, err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return fmt.Errorf("reading the index of %q: %w", dir, err)
	}
	if len(m.Manifests) != 1 {
		return fmt.Errorf("reading the index of %q: it names %d manifests, want 1", dir, len(m.Manifests))
	}
	img, err := idx.Image(m.Manifests[0].Digest)
	if err != nil {
		return fmt.Errorf("reading the image of %q: %w", dir, err)
	}
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		return fmt.Errorf("parsing reference %q: %w", ref, err)
	}
	if err := remote.Write(r, img); err != nil {
		return fmt.Errorf("pushing %q: %w", ref, err)
	}
	return nil
}
