// Command gen writes a large synthetic image as an OCI image layout of gzip
// layers, for benchmarking sammatrix inspect against decompression alone:
//
//	go run ./bench/gen -o DIR [-size 512M] [-layers 6] [-base nodejs20.x]
//	go run ./bench/gen -o DIR -zeros 2G   # one file of zeros under /opt instead
//
// It prints the reference of the image, then one line per layer (blob path,
// compressed and uncompressed sizes, files) and the totals.
package main

import (
	"flag"
	"fmt"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sammatrix/sammatrix/bench/synth"
	"github.com/sammatrix/sammatrix/inspect/fixture"
)

// defaultBase is the fixture image whose layers go below the generated ones.
const defaultBase = "nodejs20.x"

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	out := fs.String("o", "", "directory of the OCI layout to write (required)")
	size := fs.String("size", "512M", "uncompressed size of the generated layers (units K, M, G: binary)")
	layers := fs.Int("layers", synth.DefaultLayers, "number of generated layers")
	seed := fs.Uint64("seed", 1, "seed of the contents")
	tag := fs.String("tag", synth.DefaultTag, "tag of the image in the layout")
	base := fs.String("base", defaultBase, `fixture image whose layers go first ("" for none)`)
	inputs := fs.String("inputs", fixture.Inputs(), "directory of the fixture inputs")
	zeros := fs.String("zeros", "", "instead of generated layers, one layer with a file of this many zero bytes under /opt (units K, M, G)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return fmt.Errorf("usage: gen -o DIR [-size 512M] [-layers N] [-seed N] [-tag TAG] [-base FIXTURE] [-zeros SIZE]")
	}
	n, err := synth.ParseSize(*size)
	if err != nil {
		return err
	}
	opts := synth.Options{Size: n, Layers: *layers, Seed: *seed, Tag: *tag}
	if *zeros != "" {
		if opts.Zeros, err = synth.ParseSize(*zeros); err != nil {
			return err
		}
	}
	if *base != "" {
		s, ok := fixture.Lookup(*base)
		if !ok {
			return fmt.Errorf("looking up fixture image %q: unknown", *base)
		}
		var img v1.Image
		if img, err = fixture.Build(*inputs, s); err != nil {
			return err
		}
		opts.Base = img
	}
	img, err := synth.WriteLayout(*out, opts)
	if err != nil {
		return err
	}
	fmt.Println("ref", img.Ref())
	files := 0
	for _, l := range img.Layers {
		fmt.Println("layer", l.Blob, l.Size, l.Uncompressed, l.Files)
		files += l.Files
	}
	c, u := img.Size()
	fmt.Println("total", c, u, files)
	return nil
}
