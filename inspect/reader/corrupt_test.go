package reader

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sammatrix/sammatrix/inspect/fixture"
	"github.com/sammatrix/sammatrix/inspect/imageref"
	"github.com/sammatrix/sammatrix/inspect/scan"
)

// blobPath returns the file of blob d in the layout at dir.
func blobPath(dir string, d v1.Hash) string {
	return filepath.Join(dir, "blobs", d.Algorithm, d.Hex)
}

// flip returns b with the bits of byte i inverted.
func flip(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0xff
	return c
}

func writeFile(t testing.TB, p string, b []byte) {
	t.Helper()
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkLayerError fails unless err is a *LayerError naming layer and ref,
// for bytes that do not match the digest.
func checkLayerError(t testing.TB, ref string, err error, layer v1.Hash) {
	t.Helper()
	var le *LayerError
	if !errors.As(err, &le) || le.Layer != layer.String() || le.Image != ref {
		t.Fatalf("Inspect(%q) error = %v, want a *LayerError for layer %s of %q", ref, err, layer, ref)
	}
	if msg := err.Error(); !strings.Contains(msg, layer.String()) || !strings.Contains(msg, ref) {
		t.Errorf("Inspect(%q) error = %q, want it to name the layer %s and the image", ref, msg, layer)
	}
	if !errors.Is(err, scan.ErrDigestMismatch) {
		t.Errorf("Inspect(%q) error = %v, want one wrapping scan.ErrDigestMismatch", ref, err)
	}
}

func TestCorruptLayerBlob(t *testing.T) {
	s, img := build(t, "python3.12")
	layer := layerDigests(t, img)[fixture.RuntimeLayer]
	clean := writeLayout(t, map[string]v1.Image{s.Tag: img})
	want := factsJSON(t, mustInspect(t, newInspector(t, Options{}), "oci:"+clean+":"+s.Tag).Facts)

	for _, tc := range []struct {
		name    string
		corrupt func([]byte) []byte
	}{
		{"truncated", func(b []byte) []byte { return b[:len(b)/2] }},
		{"cut in the gzip trailer", func(b []byte) []byte { return b[:len(b)-4] }},
		{"byte flipped", func(b []byte) []byte { return flip(b, len(b)/2) }},
		{"byte flipped in the gzip header", func(b []byte) []byte { return flip(b, 4) }},
		{"byte appended", func(b []byte) []byte { return append(append([]byte(nil), b...), 0) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeLayout(t, map[string]v1.Image{s.Tag: img})
			ref := "oci:" + dir + ":" + s.Tag
			blob := blobPath(dir, layer)
			good := readFile(t, blob)
			writeFile(t, blob, tc.corrupt(good))
			cacheDir := t.TempDir()
			in := newInspector(t, Options{CacheDir: cacheDir})

			_, err := inspectRef(t, in, ref)
			checkLayerError(t, ref, err, layer)

			// Repaired, the blob is read again: by the same Inspector, which
			// keeps no failure, and by another one on the same cache.
			writeFile(t, blob, good)
			if got := factsJSON(t, mustInspect(t, in, ref).Facts); got != want {
				t.Errorf("Inspect(%q) after the repair = %s, want %s", ref, got, want)
			}
			again := newInspector(t, Options{CacheDir: cacheDir})
			if got := factsJSON(t, mustInspect(t, again, ref).Facts); got != want {
				t.Errorf("Inspect(%q) from the cache = %s, want %s", ref, got, want)
			}
			if st := again.Stats(); st.BlobsFetched != 0 {
				t.Errorf("Inspect(%q) from the cache: Stats() = %+v, want no blob fetched", ref, st)
			}
		})
	}
}

// TestCorruptLayerShared reads two images sharing a corrupt layer at once:
// each error names its own image.
func TestCorruptLayerShared(t *testing.T) {
	s, img := build(t, "nodejs20.x")
	other, err := fixture.Configure(img, func(cf *v1.ConfigFile) { cf.Config.Env = append(cf.Config.Env, "OTHER=1") })
	if err != nil {
		t.Fatal(err)
	}
	layer := layerDigests(t, img)[fixture.OSLayer]
	dir := writeLayout(t, map[string]v1.Image{s.Tag: img, "other": other})
	blob := blobPath(dir, layer)
	writeFile(t, blob, flip(readFile(t, blob), 100))

	refs := []string{"oci:" + dir + ":" + s.Tag, "oci:" + dir + ":other"}
	parsed := make([]imageref.Reference, len(refs))
	for i, r := range refs {
		if parsed[i], err = imageref.Parse(r); err != nil {
			t.Fatal(err)
		}
	}
	in := newInspector(t, Options{})
	imgs, errs := in.InspectAll(context.Background(), parsed)
	for i, ref := range refs {
		if imgs[i] != nil {
			t.Errorf("InspectAll: image %q = %v, want nil", ref, imgs[i].Digest)
		}
		checkLayerError(t, ref, errs[i], layer)
	}
}

func TestCorruptCacheEntry(t *testing.T) {
	s, img := build(t, "nodejs22.x")
	ref := "oci:" + writeLayout(t, map[string]v1.Image{s.Tag: img}) + ":" + s.Tag
	nLayers := int64(len(layerDigests(t, img)))
	for _, tc := range []struct {
		name    string
		corrupt func([]byte) []byte
	}{
		{"byte flipped in the payload", func(b []byte) []byte { return flip(b, len(b)-2) }},
		{"byte flipped in the checksum", func(b []byte) []byte { return flip(b, 20) }},
		{"truncated", func(b []byte) []byte { return b[:len(b)/2] }},
		{"empty", func([]byte) []byte { return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cacheDir := t.TempDir()
			want := factsJSON(t, mustInspect(t, newInspector(t, Options{CacheDir: cacheDir}), ref).Facts)
			var entries []string
			for _, kind := range []string{"layers", "configs"} {
				m, err := filepath.Glob(filepath.Join(cacheDir, kind, "*"))
				if err != nil {
					t.Fatal(err)
				}
				entries = append(entries, m...)
			}
			if int64(len(entries)) != nLayers+1 {
				t.Fatalf("cache holds %d entries after Inspect(%q), want %d layers and a config: %q", len(entries), ref, nLayers, entries)
			}
			for _, e := range entries {
				writeFile(t, e, tc.corrupt(readFile(t, e)))
			}

			in := newInspector(t, Options{CacheDir: cacheDir})
			if got := factsJSON(t, mustInspect(t, in, ref).Facts); got != want {
				t.Errorf("Inspect(%q) over a corrupt cache = %s, want %s", ref, got, want)
			}
			if st := in.Stats(); st.CacheHits != 0 || st.LayersScanned != nLayers || st.BlobsFetched != nLayers+1 {
				t.Errorf("Inspect(%q) over a corrupt cache: Stats() = %+v, want every layer scanned and the config fetched again, no hit", ref, st)
			}
			// The rebuilt entries are good.
			in = newInspector(t, Options{CacheDir: cacheDir})
			mustInspect(t, in, ref)
			if st := in.Stats(); st.BlobsFetched != 0 || st.CacheHits != nLayers+1 {
				t.Errorf("Inspect(%q) over the rebuilt cache: Stats() = %+v, want %d hits, no fetch", ref, st, nLayers+1)
			}
		})
	}
}

// TestCorruptDockerArchive changes a layer inside a docker-archive. The
// archive names no blob digest (they are computed from the archive itself),
// so only the config's diff_ids can catch it.
func TestCorruptDockerArchive(t *testing.T) {
	s, img := build(t, "python3.12")
	tag, err := fixture.ArchiveTag(s)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.tar")
	if err := fixture.WriteDockerArchive(good, tag, img); err != nil {
		t.Fatal(err)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	layer := m.Layers[fixture.RuntimeLayer].Digest
	// Replace the runtime layer with gzip of other contents: a valid blob,
	// but not the layer the config describes.
	other, err := fixture.Layer(fixture.File{Path: "var/lang/bin/python3.12", Type: fixture.Reg, Mode: 0o755, Data: []byte("not python")})
	if err != nil {
		t.Fatal(err)
	}
	otherBlob, err := other.Compressed()
	if err != nil {
		t.Fatal(err)
	}
	replacement, err := io.ReadAll(otherBlob)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.tar")
	rewriteTar(t, good, bad, func(name string, b []byte) []byte {
		if strings.Contains(name, layer.Hex) {
			return replacement
		}
		return b
	})
	in := newInspector(t, Options{TempDir: t.TempDir()})
	mustInspect(t, in, "docker-archive:"+good)
	_, err = inspectRef(t, newInspector(t, Options{}), "docker-archive:"+bad)
	var le *LayerError
	if !errors.As(err, &le) || !errors.Is(err, scan.ErrDigestMismatch) || !strings.Contains(err.Error(), "diff_id") {
		t.Fatalf("Inspect(docker-archive with a replaced layer) error = %v, want a *LayerError for a diff_id mismatch", err)
	}
}

// rewriteTar copies the tar file src to dst, passing every regular file's
// contents through edit.
func rewriteTar(t testing.TB, src, dst string, edit func(name string, b []byte) []byte) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	tr, tw := tar.NewReader(in), tar.NewWriter(out)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			b = edit(h.Name, b)
			h.Size = int64(len(b))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
}
