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
}

// startRegistry serves a counting registry on a loopback port until the
// test ends.
func startRegistry(t testing.TB) *countingRegistry {
	t.Helper()
	r := &countingRegistry{blobs: map[string]int{}}
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if strings.HasPrefix(req.URL.Path, "/v2/") && strings.Contains(req.URL.Path, "/blobs/sha256:") &&
			(req.Method == http.MethodGet || req.Method == http.MethodHead) {
			r.mu.Lock()
			r.blobs[req.URL.Path]++
			r.mu.Unlock()
		}
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
