package reader

import (
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sammatrix/sammatrix/inspect/fixture"
	"github.com/sammatrix/sammatrix/inspect/imageref"
)

// A cache repository on distribution 2.8 takes the index artifacts, and a
// second run on a fresh cache directory takes every index from it.
func TestCacheRepoDockerRegistry(t *testing.T) {
	host := fixture.StartDockerRegistry(t)
	var refs []imageref.Reference
	layers := map[v1.Hash]bool{}
	for _, n := range []string{"ruby3.2", "python3.12"} {
		s, img := build(t, n)
		if err := fixture.Push(host, s, img); err != nil {
			t.Fatal(err)
		}
		for _, d := range layerDigests(t, img) {
			layers[d] = true
		}
		r, err := imageref.Parse(s.Ref(host))
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, r)
	}
	opts := func() Options {
		return Options{CacheDir: t.TempDir(), CacheRepo: host + "/ci/sammatrix-cache", Insecure: []string{host}}
	}
	first := newInspector(t, opts())
	want := inspectAll(t, first, refs)
	noWarnings(t, first, "first run on docker-registry")
	if st := first.Stats(); st.RepoPushes != int64(len(layers)) {
		t.Errorf("first run on docker-registry: Stats() = %+v, want %d indexes pushed", st, len(layers))
	}
	second := newInspector(t, opts())
	got := inspectAll(t, second, refs)
	noWarnings(t, second, "second run on docker-registry")
	if st := second.Stats(); st.RepoHits != int64(len(layers)) || st.LayersScanned != 0 {
		t.Errorf("second run on docker-registry: Stats() = %+v, want %d indexes from the repository, nothing scanned", st, len(layers))
	}
	for i := range refs {
		if got[i] != want[i] {
			t.Errorf("Inspect(%q) from docker-registry's cache repository =\n%s\nwant\n%s", refs[i], got[i], want[i])
		}
	}
}
