package reader

import (
	"archive/tar"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/fixture"
	"github.com/sammatrix/sammatrix/inspect/imageref"
)

// inputs returns the committed fixture inputs; they are committed, so a
// missing directory is a failure, not a reason to skip.
func inputs(t testing.TB) string {
	t.Helper()
	dir := fixture.Inputs()
	if _, err := os.Stat(filepath.Join(dir, "elf")); err != nil {
		t.Fatalf("fixture inputs: %v", err)
	}
	return dir
}

// lookup returns the fixture spec called name or stops the test.
func lookup(t testing.TB, name string) fixture.Spec {
	t.Helper()
	s, ok := fixture.Lookup(name)
	if !ok {
		t.Fatalf("fixture.Lookup(%q): no such fixture", name)
	}
	return s
}

// build returns the fixture image called name.
func build(t testing.TB, name string) (fixture.Spec, v1.Image) {
	t.Helper()
	s := lookup(t, name)
	img, err := fixture.Build(inputs(t), s)
	if err != nil {
		t.Fatal(err)
	}
	return s, img
}

// image returns an image of the given layers, each a list of files.
func image(t testing.TB, layers ...[]fixture.File) v1.Image {
	t.Helper()
	ls := make([]v1.Layer, len(layers))
	for i, files := range layers {
		l, err := fixture.Layer(files...)
		if err != nil {
			t.Fatal(err)
		}
		ls[i] = l
	}
	img, err := fixture.Image(ls...)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// input reads one committed input file, rel relative to the inputs.
func input(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(inputs(t), filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeLayout writes tagged as an OCI layout in a new directory.
func writeLayout(t testing.TB, tagged map[string]v1.Image) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "layout")
	if err := fixture.WriteLayout(dir, tagged); err != nil {
		t.Fatal(err)
	}
	return dir
}

// tarDir writes the files under dir as a tar archive at file, named
// relative to dir, as `tar -C dir -cf file .` does.
func tarDir(t testing.TB, dir, file string) {
	t.Helper()
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(f)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		h, err := tar.FileInfoHeader(info, "")
		if err != nil {
			return err
		}
		h.Name = "./" + filepath.ToSlash(rel)
		if d.IsDir() {
			h.Name += "/"
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		defer src.Close()
		_, err = io.Copy(tw, src)
		return err
	})
	if err == nil {
		err = tw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("writing archive %q: %v", file, err)
	}
}

// newInspector returns an Inspector with opts, spilling to a test
// directory unless opts says otherwise.
func newInspector(t testing.TB, opts Options) *Inspector {
	t.Helper()
	if opts.TempDir == "" {
		opts.TempDir = t.TempDir()
	}
	in, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return in
}

// inspectRef parses ref and inspects it with in.
func inspectRef(t testing.TB, in *Inspector, ref string) (*inspect.Image, error) {
	t.Helper()
	r, err := imageref.Parse(ref)
	if err != nil {
		t.Fatalf("ParseReference(%q): %v", ref, err)
	}
	return in.Inspect(context.Background(), r)
}

// mustInspect inspects ref or stops the test.
func mustInspect(t testing.TB, in *Inspector, ref string) *inspect.Image {
	t.Helper()
	img, err := inspectRef(t, in, ref)
	if err != nil {
		t.Fatalf("Inspect(%q): %v", ref, err)
	}
	return img
}

// factsJSON returns the facts as indented JSON, without the reference,
// which differs between sources of the same image.
func factsJSON(t testing.TB, f *inspect.Facts) string {
	t.Helper()
	c := *f
	c.Ref = ""
	b, err := json.MarshalIndent(&c, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// digestOf returns the manifest digest of img.
func digestOf(t testing.TB, img interface{ Digest() (v1.Hash, error) }) v1.Hash {
	t.Helper()
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// layerDigests returns the layer digests of img, in order.
func layerDigests(t testing.TB, img v1.Image) []v1.Hash {
	t.Helper()
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	out := make([]v1.Hash, len(m.Layers))
	for i, l := range m.Layers {
		out[i] = l.Digest
	}
	return out
}

// emptyDir fails the test if dir holds anything.
func emptyDir(t testing.TB, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		t.Errorf("%s holds %q after Inspect, want nothing left", dir, e.Name())
	}
}
