package reader

import (
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"

	"github.com/sammatrix/sammatrix/inspect/fixture"
)

// countingRegistry is go-containerregistry's in-memory registry behind a
// handler that counts blob requests by path.
type countingRegistry struct {
	host string

	mu    sync.Mutex
	blobs map[string]int // "/v2/<repo>/blobs/<digest>" → GET and HEAD requests
	pings int            // GET /v2/
}

// startRegistry serves a counting registry on a loopback port until the
// test ends.
func startRegistry(t testing.TB) *countingRegistry {
	t.Helper()
	r := &countingRegistry{blobs: map[string]int{}}
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		switch {
		case strings.HasPrefix(req.URL.Path, "/v2/") && strings.Contains(req.URL.Path, "/blobs/sha256:") &&
			(req.Method == http.MethodGet || req.Method == http.MethodHead):
			r.blobs[req.URL.Path]++
		case req.URL.Path == "/v2/" && req.Method == http.MethodGet:
			r.pings++
		}
		r.mu.Unlock()
		reg.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	r.host = strings.TrimPrefix(srv.URL, "http://")
	return r
}

// blobRequests returns the number of blob requests so far, and resets it.
func (r *countingRegistry) blobRequests() (total int, byPath map[string]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	byPath, r.blobs = r.blobs, map[string]int{}
	for _, n := range byPath {
		total += n
	}
	return total, byPath
}

// pingRequests returns the number of pings (GET /v2/) so far, and resets it.
func (r *countingRegistry) pingRequests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.pings
	r.pings = 0
	return n
}

// push builds the named fixtures and pushes them to host.
func push(t testing.TB, host string, names ...string) {
	t.Helper()
	for _, n := range names {
		s, img := build(t, n)
		if err := fixture.Push(host, s, img); err != nil {
			t.Fatal(err)
		}
	}
}

// closedPort returns 127.0.0.1:PORT where nothing listens.
func closedPort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return host
}

// A run pings a registry once, however many of its repositories it reads:
// the answer is the registry's, not a repository's.
func TestInspectAllPingsARegistryOnce(t *testing.T) {
	reg := startRegistry(t)
	refs, _ := registryFixtures(t, reg, "ruby3.2", "java17", "python3.12", "nodejs20.x")
	reg.pingRequests()
	in := newInspector(t, Options{Insecure: []string{reg.host}})
	inspectAll(t, in, refs)
	if n := reg.pingRequests(); n != 1 {
		t.Errorf("reading 4 images of 4 repositories pinged the registry %d times, want 1", n)
	}
	// A second run pings again: the answer is kept for one run only.
	inspectAll(t, newInspector(t, Options{Insecure: []string{reg.host}}), refs)
	if n := reg.pingRequests(); n != 1 {
		t.Errorf("a second run pinged the registry %d times, want 1", n)
	}
}
