package reader_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/klauspost/compress/gzip"
	"gopkg.in/yaml.v3"

	"github.com/sammatrix/sammatrix/bench/synth"
	"github.com/sammatrix/sammatrix/inspect/fixture"
	"github.com/sammatrix/sammatrix/inspect/imageref"
	"github.com/sammatrix/sammatrix/inspect/reader"
)

// The benchmarks of whole images read a large synthetic image (see
// bench/synth): a fixture image's layers under generated layers of real ELF
// files and text, about 2.5–4× compressible. It is written once per test
// binary run into a temporary directory, and only if a benchmark needs it.
//
// BenchSizeEnv sets the uncompressed size of the generated layers, with
// units K, M, G (binary): SAMMATRIX_BENCH_SIZE=512M go test -bench Inspect
// ./inspect/reader. The default, defaultBenchSize, keeps a run short; bench/run.sh
// measures the command at full size.
const (
	BenchSizeEnv     = "SAMMATRIX_BENCH_SIZE"
	defaultBenchSize = 64 << 20
	benchBase        = "nodejs20.x"
)

// demoMatrix lists the images of the offline demo.
var demoMatrix = filepath.Join("..", "..", "testdata", "demo", "matrix.yaml")

var large struct {
	once sync.Once
	dir  string
	img  *synth.Image
	err  error
}

func TestMain(m *testing.M) {
	defer func() {
		if large.dir != "" {
			os.RemoveAll(large.dir)
		}
	}()
	m.Run()
}

// largeImage returns the synthetic image, writing it on first use.
func largeImage(b *testing.B) *synth.Image {
	large.once.Do(func() {
		size := int64(defaultBenchSize)
		if s := os.Getenv(BenchSizeEnv); s != "" {
			if size, large.err = synth.ParseSize(s); large.err != nil {
				return
			}
		}
		spec, ok := fixture.Lookup(benchBase)
		if !ok {
			large.err = errors.New("no fixture image " + benchBase)
			return
		}
		base, err := fixture.Build(fixture.Inputs(), spec)
		if err != nil {
			large.err = err
			return
		}
		if large.dir, large.err = os.MkdirTemp("", "sammatrix-bench-"); large.err != nil {
			return
		}
		large.img, large.err = synth.WriteLayout(filepath.Join(large.dir, "large"), synth.Options{Size: size, Seed: 1, Base: base})
	})
	if large.err != nil {
		b.Fatalf("writing the synthetic image: %v", large.err)
	}
	return large.img
}

func parseRef(b *testing.B, s string) imageref.Reference {
	ref, err := imageref.Parse(s)
	if err != nil {
		b.Fatal(err)
	}
	return ref
}

// demoRefs returns the distinct images of the demo matrix, in file order.
func demoRefs(b *testing.B) []imageref.Reference {
	raw, err := os.ReadFile(demoMatrix)
	if err != nil {
		b.Fatal(err)
	}
	var m struct {
		Pairs []struct {
			Runtime string `yaml:"runtime"`
			NodeJS  string `yaml:"nodejs"`
		} `yaml:"pairs"`
	}
	if err := yaml.Unmarshal(raw, &m); err != nil {
		b.Fatalf("parsing %s: %v", demoMatrix, err)
	}
	var names []string
	for _, p := range m.Pairs {
		for _, s := range []string{p.Runtime, p.NodeJS} {
			if !slices.Contains(names, s) {
				names = append(names, s)
			}
		}
	}
	refs := make([]imageref.Reference, len(names))
	for i, s := range names {
		refs[i] = parseRef(b, s).WithBase(filepath.Dir(demoMatrix))
	}
	return refs
}

func inspectOnce(b *testing.B, opts reader.Options, refs ...imageref.Reference) *reader.Inspector {
	in, err := reader.New(opts)
	if err != nil {
		b.Fatal(err)
	}
	_, errs := in.InspectAll(context.Background(), refs)
	if err := errors.Join(errs...); err != nil {
		b.Fatal(err)
	}
	return in
}

// BenchmarkInspectCold inspects the synthetic image with an empty cache
// directory, as a first run does: every layer is read, scanned and cached.
// Bytes are the uncompressed bytes of the layers.
func BenchmarkInspectCold(b *testing.B) {
	img := largeImage(b)
	ref := parseRef(b, img.Ref())
	_, u := img.Size()
	b.SetBytes(u)
	b.ReportAllocs()
	for b.Loop() {
		inspectOnce(b, reader.Options{CacheDir: b.TempDir()}, ref)
	}
}

// BenchmarkInspectWarm inspects one image whose layers are all cached, with
// a new Inspector each time so that the disk cache is read, not the memo of
// an Inspector: the synthetic image, and one image of the demo.
func BenchmarkInspectWarm(b *testing.B) {
	b.Run("synthetic", func(b *testing.B) {
		benchWarm(b, parseRef(b, largeImage(b).Ref()))
	})
	b.Run("demo", func(b *testing.B) {
		benchWarm(b, demoRefs(b)[0])
	})
}

// BenchmarkInspectWarmDemo inspects every distinct image of the demo
// matrix at once, all cached, with a new Inspector each time.
func BenchmarkInspectWarmDemo(b *testing.B) {
	benchWarm(b, demoRefs(b)...)
}

func benchWarm(b *testing.B, refs ...imageref.Reference) {
	opts := reader.Options{CacheDir: b.TempDir()}
	inspectOnce(b, opts, refs...)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if s := inspectOnce(b, opts, refs...).Stats(); s.LayersScanned != 0 {
			b.Fatalf("Stats() = %+v, want no layer scanned", s)
		}
	}
}

// BenchmarkFlattenExtract flattens the synthetic image with
// go-containerregistry's mutate.Extract and reads the tar stream to its end:
// the cost of a tool that merges layers before looking at them.
func BenchmarkFlattenExtract(b *testing.B) {
	img := largeImage(b)
	idx, err := layout.ImageIndexFromPath(img.Dir)
	if err != nil {
		b.Fatal(err)
	}
	v1img, err := idx.Image(img.Digest)
	if err != nil {
		b.Fatal(err)
	}
	_, u := img.Size()
	b.SetBytes(u)
	b.ReportAllocs()
	for b.Loop() {
		rc := mutate.Extract(v1img)
		_, err := io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGunzipLayers decompresses the layer blobs of the synthetic image
// one after another with the decoder inspect uses, and nothing else: the
// in-process floor for one core, next to `gzip -dc` in bench/run.sh.
func BenchmarkGunzipLayers(b *testing.B) {
	img := largeImage(b)
	_, u := img.Size()
	b.SetBytes(u)
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range img.Layers {
			if err := gunzip(l.Blob); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func gunzip(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, zr)
	return err
}
