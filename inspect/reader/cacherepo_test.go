package reader

import (
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/sammatrix/sammatrix/inspect/fixture"
	"github.com/sammatrix/sammatrix/inspect/imageref"
	"github.com/sammatrix/sammatrix/inspect/layer"
	"github.com/sammatrix/sammatrix/inspect/scan"
)

// cacheRegistry is go-containerregistry's in-memory registry, holding a
// cache repository, behind a handler that counts writes and can answer
// 403 to them, as a registry does to read-only credentials.
type cacheRegistry struct {
	host       string
	readOnly   atomic.Bool
	writes     atomic.Int32 // POST, PUT and PATCH requests
	indexReads atomic.Int32 // GET requests of index manifests
}

func startCacheRegistry(t testing.TB) *cacheRegistry {
	t.Helper()
	c := &cacheRegistry{}
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch req.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch:
			c.writes.Add(1)
			if c.readOnly.Load() {
				w.WriteHeader(http.StatusForbidden)
				return
			}
		case http.MethodGet:
			if strings.Contains(req.URL.Path, "/manifests/idx-") {
				c.indexReads.Add(1)
			}
		}
		reg.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	c.host = strings.TrimPrefix(srv.URL, "http://")
	return c
}

func (c *cacheRegistry) repo() string { return c.host + "/ci/sammatrix-cache" }

// registryFixtures pushes the named fixtures to reg and returns their
// references and the digests of their distinct layers.
func registryFixtures(t testing.TB, reg *countingRegistry, names ...string) ([]imageref.Reference, map[v1.Hash]bool) {
	t.Helper()
	var refs []imageref.Reference
	layers := map[v1.Hash]bool{}
	for _, n := range names {
		push(t, reg.host, n)
		s, img := build(t, n)
		for _, d := range layerDigests(t, img) {
			layers[d] = true
		}
		r, err := imageref.Parse(s.Ref(reg.host))
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, r)
	}
	reg.blobRequests()
	return refs, layers
}

func fixtureNames() []string {
	var out []string
	for _, s := range fixture.Specs() {
		out = append(out, s.Name)
	}
	return out
}

// layerBlobRequests counts the requests of reg for the given layers.
func layerBlobRequests(reg *countingRegistry, layers map[v1.Hash]bool) (n int, paths []string) {
	_, byPath := reg.blobRequests()
	for p, k := range byPath {
		d, err := v1.NewHash(p[strings.LastIndex(p, "/")+1:])
		if err == nil && layers[d] {
			n += k
			paths = append(paths, p)
		}
	}
	return n, paths
}

func noWarnings(t testing.TB, in *Inspector, what string) {
	t.Helper()
	for _, w := range in.Warnings() {
		t.Errorf("%s: warning %q, want none", what, w)
	}
}

// Two runs on fresh cache directories share the cache repository: the
// second fetches no layer, and finds what the first found.
func TestCacheRepoSharesIndexes(t *testing.T) {
	images := startRegistry(t)
	refs, layers := registryFixtures(t, images, fixtureNames()...)
	cache := startCacheRegistry(t)
	opts := func() Options {
		return Options{CacheDir: t.TempDir(), CacheRepo: cache.repo(), Insecure: []string{images.host, cache.host}, Version: "v1.2.3"}
	}

	first := newInspector(t, opts())
	want := inspectAll(t, first, refs)
	noWarnings(t, first, "first run")
	st := first.Stats()
	if st.LayersScanned != int64(len(layers)) || st.RepoHits != 0 || st.RepoPushes != int64(len(layers)) {
		t.Errorf("InspectAll(%d fixtures) on an empty cache repository: Stats() = %+v, want %d layers scanned and pushed, no repository hit", len(refs), st, len(layers))
	}
	if n, _ := layerBlobRequests(images, layers); n != len(layers) {
		t.Errorf("first run made %d layer blob requests, want %d", n, len(layers))
	}

	second := newInspector(t, opts())
	got := inspectAll(t, second, refs)
	noWarnings(t, second, "second run")
	st = second.Stats()
	if st.LayersScanned != 0 || st.RepoHits != int64(len(layers)) || st.RepoPushes != 0 || st.LayerCacheHits != 0 {
		t.Errorf("InspectAll(%d fixtures) on a fresh cache directory: Stats() = %+v, want nothing scanned or pushed, %d repository hits", len(refs), st, len(layers))
	}
	if n, paths := layerBlobRequests(images, layers); n != 0 {
		t.Errorf("second run made %d layer blob requests %v, want none", n, paths)
	}
	if st.BlobsFetched != int64(len(refs)) || st.RepoBytesFetched == 0 {
		t.Errorf("second run: Stats() = %+v, want only the %d configs fetched, and index bytes from the repository", st, len(refs))
	}
	for i, r := range refs {
		if got[i] != want[i] {
			t.Errorf("Inspect(%q) from the cache repository =\n%s\nwant what the scan found:\n%s", r, got[i], want[i])
		}
	}

	// A hit from the repository is kept in the cache directory too.
	dir := t.TempDir()
	o := opts()
	o.CacheDir = dir
	inspectAll(t, newInspector(t, o), refs)
	o.CacheRepo = ""
	third := newInspector(t, o)
	inspectAll(t, third, refs)
	if st := third.Stats(); st.LayerCacheHits != int64(len(layers)) {
		t.Errorf("a run without the repository after one that took every index from it: Stats() = %+v, want %d layer indexes from the cache", st, len(layers))
	}
}

// The artifact says what it is: its artifact type, its blob's media type,
// the layer, the analyzer version and who wrote it.
func TestCacheRepoArtifact(t *testing.T) {
	images := startRegistry(t)
	refs, layers := registryFixtures(t, images, "ruby3.2")
	cache := startCacheRegistry(t)
	in := newInspector(t, Options{CacheRepo: cache.repo(), Insecure: []string{images.host, cache.host}, Version: "v1.2.3"})
	inspectAll(t, in, refs)
	for d := range layers {
		tag := IndexTag(d)
		if !imageref.ValidTag(tag) || len(tag) > 128 {
			t.Errorf("IndexTag(%s) = %q, want a valid tag", d, tag)
		}
		ref, err := name.ParseReference(cache.repo()+":"+tag, name.Insecure)
		if err != nil {
			t.Fatal(err)
		}
		desc, err := remote.Get(ref)
		if err != nil {
			t.Fatalf("reading %s: %v", ref, err)
		}
		var m v1.Manifest
		if err := json.Unmarshal(desc.Manifest, &m); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{AnnotationLayer: d.String(), AnnotationAnalyzer: strconv.Itoa(scan.AnalyzerVersion), AnnotationWriter: "v1.2.3"}
		if desc.MediaType != types.OCIManifestSchema1 || m.ArtifactType != IndexArtifactType || m.Config.MediaType != types.OCIEmptyJSON ||
			len(m.Layers) != 1 || m.Layers[0].MediaType != IndexMediaType || !equalMaps(m.Annotations, want) {
			t.Errorf("%s =\n%s\nwant an OCI manifest of artifact type %s, an empty config, one %s blob and annotations %v", tag, desc.Manifest, IndexArtifactType, IndexMediaType, want)
		}
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// Two runs at once push the same indexes; both succeed, and a third run
// takes every index from the repository.
func TestCacheRepoConcurrentPushes(t *testing.T) {
	images := startRegistry(t)
	refs, layers := registryFixtures(t, images, fixtureNames()...)
	cache := startCacheRegistry(t)
	opts := func() Options {
		return Options{CacheDir: t.TempDir(), CacheRepo: cache.repo(), Insecure: []string{images.host, cache.host}}
	}
	want := inspectAll(t, newInspector(t, Options{Insecure: []string{images.host}}), refs)

	var wg sync.WaitGroup
	results := make([][]string, 2)
	runs := make([]*Inspector, 2)
	for i := range runs {
		runs[i] = newInspector(t, opts())
		wg.Add(1)
		go func() {
			defer wg.Done()
			imgs, errs := runs[i].InspectAll(context.Background(), refs)
			for j := range refs {
				if errs[j] != nil {
					t.Errorf("run %d: Inspect(%q) = %v", i, refs[j], errs[j])
					continue
				}
				results[i] = append(results[i], factsJSON(t, imgs[j].Facts))
			}
		}()
	}
	wg.Wait()
	for i, in := range runs {
		noWarnings(t, in, "concurrent run "+strconv.Itoa(i))
		for j := range results[i] {
			if results[i][j] != want[j] {
				t.Errorf("concurrent run %d: Inspect(%q) =\n%s\nwant\n%s", i, refs[j], results[i][j], want[j])
			}
		}
	}

	third := newInspector(t, opts())
	got := inspectAll(t, third, refs)
	noWarnings(t, third, "run after the concurrent ones")
	if st := third.Stats(); st.RepoHits != int64(len(layers)) || st.LayersScanned != 0 {
		t.Errorf("run after two concurrent ones: Stats() = %+v, want %d repository hits, nothing scanned", st, len(layers))
	}
	for j := range refs {
		if got[j] != want[j] {
			t.Errorf("Inspect(%q) after concurrent pushes =\n%s\nwant\n%s", refs[j], got[j], want[j])
		}
	}
}

// A repository that refuses pushes costs one warning and nothing else;
// read-only use pushes nothing and says nothing.
func TestCacheRepoReadOnly(t *testing.T) {
	images := startRegistry(t)
	refs, layers := registryFixtures(t, images, fixtureNames()...)
	want := inspectAll(t, newInspector(t, Options{Insecure: []string{images.host}}), refs)

	cache := startCacheRegistry(t)
	cache.readOnly.Store(true)
	in := newInspector(t, Options{CacheRepo: cache.repo(), Insecure: []string{images.host, cache.host}})
	got := inspectAll(t, in, refs)
	ws := in.Warnings()
	if len(ws) != 1 || !strings.Contains(ws[0], "refused a push (HTTP 403)") || !strings.Contains(ws[0], "--cache-repo-read-only") {
		t.Errorf("InspectAll with pushes answered 403: Warnings() = %q, want one saying the push was refused and what to do", ws)
	}
	if st := in.Stats(); st.LayersScanned != int64(len(layers)) || st.RepoPushes != 0 {
		t.Errorf("InspectAll with pushes answered 403: Stats() = %+v, want %d layers scanned, none pushed", st, len(layers))
	}
	for j := range refs {
		if got[j] != want[j] {
			t.Errorf("Inspect(%q) with pushes refused =\n%s\nwant\n%s", refs[j], got[j], want[j])
		}
	}

	cache.readOnly.Store(false)
	cache.writes.Store(0)
	cache.indexReads.Store(0)
	ro := newInspector(t, Options{CacheRepo: cache.repo(), CacheRepoReadOnly: true, Insecure: []string{images.host, cache.host}})
	inspectAll(t, ro, refs)
	noWarnings(t, ro, "read-only run")
	if n := cache.writes.Load(); n != 0 || ro.Stats().RepoPushes != 0 {
		t.Errorf("read-only run made %d write requests, Stats() = %+v, want none", n, ro.Stats())
	}
	if n := cache.indexReads.Load(); n != int32(len(layers)) {
		t.Errorf("read-only run looked up %d indexes, want %d", n, len(layers))
	}
}

// A cache repository that cannot be reached costs one warning; the run
// reads the layers itself.
func TestCacheRepoUnreachable(t *testing.T) {
	images := startRegistry(t)
	refs, layers := registryFixtures(t, images, "ruby3.2", "python3.12")
	dead := closedPort(t)
	in := newInspector(t, Options{CacheRepo: dead + "/cache", Insecure: []string{images.host, dead}})
	inspectAll(t, in, refs)
	ws := in.Warnings()
	if len(ws) != 1 || !strings.Contains(ws[0], "not using cache repository "+dead+"/cache") {
		t.Errorf("InspectAll with an unreachable cache repository: Warnings() = %q, want one saying it is not used", ws)
	}
	if st := in.Stats(); st.LayersScanned != int64(len(layers)) {
		t.Errorf("InspectAll with an unreachable cache repository: Stats() = %+v, want %d layers scanned", st, len(layers))
	}
}

// Content under an index tag that is not the index it should be is
// ignored with a warning naming the tag; the layer is scanned, and its
// index pushed over the content.
func TestCacheRepoIgnoresForeignContent(t *testing.T) {
	images := startRegistry(t)
	refs, layers := registryFixtures(t, images, "ruby3.2")
	ref := refs[0]
	_, img := build(t, "ruby3.2")
	d := layerDigests(t, img)[0]
	other := layerDigests(t, img)[1]
	want := inspectAll(t, newInspector(t, Options{Insecure: []string{images.host}}), refs)
	good := map[string]string{AnnotationLayer: d.String(), AnnotationAnalyzer: strconv.Itoa(scan.AnalyzerVersion), AnnotationWriter: "test"}
	payload := func(idx *layer.Index, d v1.Hash) []byte {
		b, err := encodeRepoIndex(idx, d)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range good {
			m[a] = b
		}
		m[k] = v
		return m
	}

	tests := []struct {
		name string
		put  func(t *testing.T, tag name.Tag)
		want string // in the warning
	}{
		{"wrong blob media type", func(t *testing.T, tag name.Tag) {
			putArtifact(t, tag, IndexArtifactType, "application/octet-stream", payload(&layer.Index{}, d), good)
		}, `its blob is a "application/octet-stream"`},
		{"wrong artifact type", func(t *testing.T, tag name.Tag) {
			putArtifact(t, tag, "application/vnd.example.other", IndexMediaType, payload(&layer.Index{}, d), good)
		}, `its artifact type is "application/vnd.example.other"`},
		{"an image", func(t *testing.T, tag name.Tag) {
			img, err := random.Image(100, 1)
			if err != nil {
				t.Fatal(err)
			}
			if err := remote.Write(tag, img); err != nil {
				t.Fatal(err)
			}
		}, "application/vnd.docker.distribution.manifest.v2+json, not an OCI image manifest"},
		{"garbage", func(t *testing.T, tag name.Tag) {
			putArtifact(t, tag, IndexArtifactType, IndexMediaType, []byte("not a layer index at all"), good)
		}, "decoding its blob"},
		{"another layer's index inside", func(t *testing.T, tag name.Tag) {
			putArtifact(t, tag, IndexArtifactType, IndexMediaType, payload(&layer.Index{}, other), good)
		}, "its blob is the index of layer \"" + other.String() + "\""},
		{"another layer in the annotations", func(t *testing.T, tag name.Tag) {
			putArtifact(t, tag, IndexArtifactType, IndexMediaType, payload(&layer.Index{}, d), with(AnnotationLayer, other.String()))
		}, "it is the index of layer \"" + other.String() + "\""},
		{"another analyzer version", func(t *testing.T, tag name.Tag) {
			putArtifact(t, tag, IndexArtifactType, IndexMediaType, payload(&layer.Index{}, d), with(AnnotationAnalyzer, "1"))
		}, `it was made by analyzer version "1"`},
		{"oversized blob", func(t *testing.T, tag name.Tag) {
			putArtifact(t, tag, IndexArtifactType, IndexMediaType, make([]byte, MaxIndexSize+1), good)
		}, "its blob has 67108865 bytes, more than the 67108864 allowed"},
		{"an image index", func(t *testing.T, tag name.Tag) {
			idx, err := random.Index(100, 1, 1)
			if err != nil {
				t.Fatal(err)
			}
			if err := remote.WriteIndex(tag, idx); err != nil {
				t.Fatal(err)
			}
		}, "it is a application/vnd.oci.image.index.v1+json, not an OCI image manifest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cache := startCacheRegistry(t)
			tag, err := name.NewTag(cache.repo()+":"+IndexTag(d), name.Insecure)
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{CacheRepo: cache.repo(), Insecure: []string{images.host, cache.host}}
			inspectAll(t, newInspector(t, opts), refs) // every index in the repository
			tt.put(t, tag)
			in := newInspector(t, opts)
			got := inspectAll(t, in, refs)
			ws := in.Warnings()
			if len(ws) != 1 || !strings.Contains(ws[0], "ignoring "+IndexTag(d)+" in cache repository") || !strings.Contains(ws[0], tt.want) {
				t.Errorf("Inspect(%q) with %s under %s: Warnings() = %q, want one naming the tag and saying %q", ref, tt.name, IndexTag(d), ws, tt.want)
			}
			if st := in.Stats(); st.LayersScanned != 1 || st.RepoHits != int64(len(layers)-1) {
				t.Errorf("Inspect(%q) with %s under one layer's tag: Stats() = %+v, want that layer scanned, the others from the repository", ref, tt.name, st)
			}
			if got[0] != want[0] {
				t.Errorf("Inspect(%q) with %s under a tag =\n%s\nwant\n%s", ref, tt.name, got[0], want[0])
			}
			// The scan's index replaced the content.
			again := newInspector(t, opts)
			inspectAll(t, again, refs)
			noWarnings(t, again, "run after the repair")
			if st := again.Stats(); st.LayersScanned != 0 {
				t.Errorf("run after %s was replaced: Stats() = %+v, want nothing scanned", tt.name, st)
			}
		})
	}
}

// putArtifact pushes an artifact of one blob under tag.
func putArtifact(t *testing.T, tag name.Tag, artifactType string, mt types.MediaType, payload []byte, annotations map[string]string) {
	t.Helper()
	config := static.NewLayer(emptyJSON, types.OCIEmptyJSON)
	blob := static.NewLayer(payload, mt)
	var descs []v1.Descriptor
	for _, l := range []v1.Layer{config, blob} {
		if err := remote.WriteLayer(tag.Context(), l); err != nil {
			t.Fatal(err)
		}
		d, err := partialDescriptor(l)
		if err != nil {
			t.Fatal(err)
		}
		descs = append(descs, d)
	}
	raw, err := json.Marshal(v1.Manifest{
		SchemaVersion: 2, MediaType: types.OCIManifestSchema1, ArtifactType: artifactType,
		Config: descs[0], Layers: descs[1:], Annotations: annotations,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Put(tag, rawManifest(raw)); err != nil {
		t.Fatal(err)
	}
}

func TestIndexTag(t *testing.T) {
	d, err := v1.NewHash("sha256:" + strings.Repeat("ab", 32))
	if err != nil {
		t.Fatal(err)
	}
	want := "idx-v" + strconv.Itoa(scan.AnalyzerVersion) + "-sha256-" + strings.Repeat("ab", 32)
	if got := IndexTag(d); got != want {
		t.Errorf("IndexTag(%s) = %q, want %q", d, got, want)
	}
}

func TestParseCacheRepo(t *testing.T) {
	tests := []struct {
		in       string
		insecure []string
		want     string // "" for an error
		scheme   string
	}{
		{"ghcr.io/acme/sammatrix-cache", nil, "ghcr.io/acme/sammatrix-cache", "https"},
		{"127.0.0.1:5000/cache", []string{"127.0.0.1:5000"}, "127.0.0.1:5000/cache", "http"},
		{"acme/cache", nil, "", ""},
		{"ghcr.io/acme/cache:latest", nil, "", ""},
		{"ghcr.io/Acme/cache", nil, "", ""},
	}
	for _, tt := range tests {
		r, err := ParseCacheRepo(tt.in, tt.insecure)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("ParseCacheRepo(%q) = %s, want an error", tt.in, r)
		case tt.want != "" && err != nil:
			t.Errorf("ParseCacheRepo(%q) = %v, want %s", tt.in, err, tt.want)
		case tt.want != "" && (r.String() != tt.want || r.Scheme() != tt.scheme):
			t.Errorf("ParseCacheRepo(%q) = %s over %s, want %s over %s", tt.in, r, r.Scheme(), tt.want, tt.scheme)
		}
	}
}
