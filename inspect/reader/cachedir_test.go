package reader

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// TestCacheSwappedLayerEntries copies the cache entry of one layer over
// another's and back: the facts read afterwards are those of the image,
// because both layers are scanned again.
func TestCacheSwappedLayerEntries(t *testing.T) {
	s, img := build(t, "nodejs22.x")
	ref := "oci:" + writeLayout(t, map[string]v1.Image{s.Tag: img}) + ":" + s.Tag
	layers := layerDigests(t, img)
	if len(layers) < 2 {
		t.Fatalf("fixture %s has %d layers, want at least 2", s.Name, len(layers))
	}
	cacheDir := t.TempDir()
	want := factsJSON(t, mustInspect(t, newInspector(t, Options{CacheDir: cacheDir}), ref).Facts)

	a := filepath.Join(cacheDir, "layers", cacheKey(layers[0]))
	b := filepath.Join(cacheDir, "layers", cacheKey(layers[len(layers)-1]))
	ab, ba := readFile(t, a), readFile(t, b)
	writeFile(t, a, ba)
	writeFile(t, b, ab)

	in := newInspector(t, Options{CacheDir: cacheDir})
	if got := factsJSON(t, mustInspect(t, in, ref).Facts); got != want {
		t.Errorf("Inspect(%q) with two layer entries swapped =\n%s\nwant the facts of the image:\n%s", ref, got, want)
	}
	if st := in.Stats(); st.LayersScanned != 2 {
		t.Errorf("Inspect(%q) with two layer entries swapped: Stats() = %+v, want the 2 swapped layers scanned again", ref, st)
	}
}

// TestCacheDirRefused gives the Inspector cache directories another local
// user could write into, or that cannot be made: it reads the image
// without a cache, says once which directory and why, and writes nothing
// there.
func TestCacheDirRefused(t *testing.T) {
	s, img := build(t, "python3.12")
	ref := "oci:" + writeLayout(t, map[string]v1.Image{s.Tag: img}) + ":" + s.Tag
	want := factsJSON(t, mustInspect(t, newInspector(t, Options{}), ref).Facts)

	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string) string
		why   string
	}{
		{"owned by another user", func(t *testing.T, dir string) string {
			if os.Getuid() != 0 {
				t.Skip("giving a directory to another user needs root")
			}
			d := privateDir(t, dir, 0o700)
			if err := os.Chown(d, 65534, 65534); err != nil {
				t.Fatal(err)
			}
			return d
		}, "owned by uid 65534"},
		{"world-writable", func(t *testing.T, dir string) string {
			return privateDir(t, dir, 0o777)
		}, "lets other users write"},
		{"under a regular file", func(t *testing.T, dir string) string {
			f := filepath.Join(dir, "file")
			writeFile(t, f, nil)
			return filepath.Join(f, "cache")
		}, "not a directory"},
		{"symbolic link", func(t *testing.T, dir string) string {
			d := privateDir(t, dir, 0o700)
			l := filepath.Join(dir, "link")
			if err := os.Symlink(d, l); err != nil {
				t.Fatal(err)
			}
			return l
		}, "symbolic link"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.setup(t, t.TempDir())
			in := newInspector(t, Options{CacheDir: dir})
			ws := in.Warnings()
			if len(ws) != 1 || !strings.Contains(ws[0], dir) || !strings.Contains(ws[0], tc.why) {
				t.Errorf("New(CacheDir: %s).Warnings() = %q, want one warning naming %s and saying %q", tc.name, ws, dir, tc.why)
			}
			if in.Cache() != nil {
				t.Errorf("New(CacheDir: %s).Cache() = %v, want nil", tc.name, in.Cache().Dir())
			}
			if got := factsJSON(t, mustInspect(t, in, ref).Facts); got != want {
				t.Errorf("Inspect(%q) with the cache in a %s directory =\n%s\nwant the facts without a cache:\n%s", ref, tc.name, got, want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("Inspect(%q) wrote %d entries into the refused cache directory, want none", ref, len(entries))
			}
		})
	}
}

func TestCacheDirAccepted(t *testing.T) {
	in := newInspector(t, Options{CacheDir: filepath.Join(t.TempDir(), "new", "cache")})
	if ws := in.Warnings(); len(ws) != 0 || in.Cache() == nil {
		t.Errorf("New(CacheDir: a new directory).Warnings() = %q, Cache() = %v; want no warning and a cache", ws, in.Cache())
	}
}

// privateDir makes dir/cache with exactly perm.
func privateDir(t *testing.T, dir string, perm os.FileMode) string {
	t.Helper()
	d := filepath.Join(dir, "cache")
	if err := os.Mkdir(d, perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(d, perm); err != nil {
		t.Fatal(err)
	}
	return d
}
