package cli

import (
	"bytes"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"

	"github.com/sammatrix/sammatrix/inspect/fixture"
)

// testRegistry is go-containerregistry's in-memory registry behind a
// handler that records the blobs read and can answer 403 to every write.
type testRegistry struct {
	host     string
	readOnly atomic.Bool

	mu    sync.Mutex
	blobs []string // digests of the blobs read with GET
}

func startTestRegistry(t *testing.T) *testRegistry {
	t.Helper()
	r := &testRegistry{}
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch req.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch:
			if r.readOnly.Load() {
				w.WriteHeader(http.StatusForbidden)
				return
			}
		case http.MethodGet:
			if _, d, ok := strings.Cut(req.URL.Path, "/blobs/"); ok {
				r.mu.Lock()
				r.blobs = append(r.blobs, d)
				r.mu.Unlock()
			}
		}
		reg.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	r.host = strings.TrimPrefix(srv.URL, "http://")
	return r
}

// blobsRead returns the digests of the blobs read so far, and forgets them.
func (r *testRegistry) blobsRead() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.blobs
	r.blobs = nil
	return out
}

// registryDemo pushes the demo images to reg and writes the demo's
// matrix.yaml, naming them there, into a new directory.
func registryDemo(t *testing.T, reg *testRegistry) (file string, layers map[string]bool) {
	t.Helper()
	if err := fixture.PushAll(reg.host, fixture.Inputs()); err != nil {
		t.Fatal(err)
	}
	layers = map[string]bool{}
	for _, s := range fixture.Specs() {
		img, err := fixture.Build(fixture.Inputs(), s)
		if err != nil {
			t.Fatal(err)
		}
		ls, err := img.Layers()
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range ls {
			d, err := l.Digest()
			if err != nil {
				t.Fatal(err)
			}
			layers[d.String()] = true
		}
	}
	data, err := os.ReadFile(demoMatrix)
	if err != nil {
		t.Fatal(err)
	}
	file = filepath.Join(t.TempDir(), "matrix.yaml")
	if err := os.WriteFile(file, []byte(strings.ReplaceAll(string(data), "oci:", reg.host+"/")), 0o644); err != nil {
		t.Fatal(err)
	}
	reg.blobsRead()
	return file, layers
}

// Runs on fresh machines share layer indexes through a cache repository:
// the second reads no layer of the images, and every run prints what a
// run without the repository prints, byte for byte, with the same exit
// code; a repository that refuses pushes costs one warning.
func TestValidateCacheRepo(t *testing.T) {
	images := startTestRegistry(t)
	file, layers := registryDemo(t, images)
	cache := startTestRegistry(t)
	repo := cache.host + "/ci/sammatrix-cache"
	validate := func(extra ...string) (code int, stdout, stderr string) {
		t.Helper()
		args := append([]string{"validate", "-f", file, "-o", "json", "--npm", "nonexistent-npm", "--no-progress",
			"--insecure-registry", images.host, "--insecure-registry", cache.host}, extra...)
		var out, errOut bytes.Buffer
		code = run(args, &out, &errOut)
		return code, out.String(), errOut.String()
	}
	layerReads := func() (n int) {
		for _, d := range images.blobsRead() {
			if layers[d] {
				n++
			}
		}
		return n
	}

	wantCode, want, stderr := validate("--no-cache")
	if wantCode != ExitFindings || stderr != "" {
		t.Fatalf("validate of the demo from a registry = %d, stderr %q; want %d and nothing", wantCode, stderr, ExitFindings)
	}
	layerReads()

	for _, tt := range []struct {
		name       string
		extra      []string
		want       *regexp.Regexp // the statistics
		layerReads bool           // whether layers of the images are read
	}{
		{"first runner", nil, regexp.MustCompile(`^read \d+ images: (\d+) layers scanned, 0 layer indexes and 0 configs from the cache, 0 layer indexes from the cache repository \([^)]*\), (\d+) pushed, \d+ blobs fetched \([^)]*\)$`), true},
		{"second runner", nil, regexp.MustCompile(`^read \d+ images: 0 layers scanned, 0 layer indexes and 0 configs from the cache, [1-9]\d* layer indexes from the cache repository \(\d+\.\d kB\), 0 pushed, \d+ blobs fetched \([^)]*\)$`), false},
		{"read-only runner", []string{"--cache-repo-read-only"}, regexp.MustCompile(`^read \d+ images: 0 layers scanned, 0 layer indexes and 0 configs from the cache, [1-9]\d* layer indexes from the cache repository \([^)]*\), 0 pushed, \d+ blobs fetched \([^)]*\)$`), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, got, stderr := validate(append([]string{"--cache-dir", t.TempDir(), "--cache-repo", repo, "-v"}, tt.extra...)...)
			if code != wantCode || got != want {
				t.Errorf("validate --cache-repo = %d,\n%s\nwant %d and what it prints without:\n%s", code, got, wantCode, want)
			}
			line := strings.TrimSuffix(stderr, "\n")
			m := tt.want.FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("validate --cache-repo -v printed %q on stderr, want only statistics matching %s", stderr, tt.want)
			}
			if len(m) == 3 && m[1] != m[2] {
				t.Errorf("validate --cache-repo -v printed %q, want every layer scanned pushed", line)
			}
			if n := layerReads(); (n > 0) != tt.layerReads {
				t.Errorf("validate --cache-repo read %d layer blobs of the images, want some: %v", n, tt.layerReads)
			}
		})
	}

	// A new repository whose registry refuses pushes: one warning, and
	// otherwise the same run.
	cache.readOnly.Store(true)
	code, got, stderr := validate("--cache-dir", t.TempDir(), "--cache-repo", cache.host+"/ci/other")
	if code != wantCode || got != want {
		t.Errorf("validate --cache-repo with pushes refused = %d,\n%s\nwant %d and\n%s", code, got, wantCode, want)
	}
	if n := strings.Count(stderr, "sammatrix: warning: "); n != 1 || !strings.Contains(stderr, "refused a push (HTTP 403)") {
		t.Errorf("validate --cache-repo with pushes refused printed %q on stderr, want one warning saying so", stderr)
	}
	// Read-only use of it says nothing.
	code, got, stderr = validate("--cache-dir", t.TempDir(), "--cache-repo", cache.host+"/ci/other", "--cache-repo-read-only")
	if code != wantCode || got != want || stderr != "" {
		t.Errorf("validate --cache-repo-read-only = %d, stderr %q, want %d, the same output, nothing on stderr", code, stderr, wantCode)
	}
}
