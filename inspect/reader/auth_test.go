package reader

import (
	"encoding/base64"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/sammatrix/sammatrix/inspect"
)

// gatedRegistry is go-containerregistry's registry behind basic
// authentication for reads (pushes pass, so tests can fill it) and, for
// the first failures reads, an error status.
type gatedRegistry struct {
	host       string
	user, pass string
	status     int
	locked     atomic.Bool // reads need the credentials
	failures   atomic.Int32
	reads      atomic.Int32
}

func startGatedRegistry(t *testing.T, user, pass string) *gatedRegistry {
	t.Helper()
	g := &gatedRegistry{user: user, pass: pass, status: http.StatusServiceUnavailable}
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodGet || req.Method == http.MethodHead {
			if u, p, ok := req.BasicAuth(); g.locked.Load() && (!ok || u != g.user || p != g.pass) {
				w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			if req.URL.Path != "/v2/" {
				g.reads.Add(1)
				if g.failures.Add(-1) >= 0 {
					w.WriteHeader(g.status)
					return
				}
			}
		}
		reg.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	g.host = strings.TrimPrefix(srv.URL, "http://")
	return g
}

// dockerConfig points DOCKER_CONFIG at a config holding user:pass for host.
func dockerConfig(t *testing.T, host, user, pass string) {
	dir := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	cfg := `{"auths": {"` + host + `": {"auth": "` + auth + `"}}}`
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", dir)
}

func TestRegistryCredentials(t *testing.T) {
	const user, secret = "builder", "s3cr3t-token-value"
	g := startGatedRegistry(t, user, secret)
	push(t, g.host, "nodejs20.x")
	g.locked.Store(true)
	s := lookup(t, "nodejs20.x")
	ref := s.Ref(g.host)
	for _, tc := range []struct {
		name   string
		config func(t *testing.T)
		ok     bool
	}{
		{"credentials from the docker config", func(t *testing.T) { dockerConfig(t, g.host, user, secret) }, true},
		{"no credentials", func(t *testing.T) { t.Setenv("DOCKER_CONFIG", t.TempDir()) }, false},
		{"wrong credentials", func(t *testing.T) { dockerConfig(t, g.host, user, "wrong-"+secret) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.config(t)
			_, err := inspectRef(t, newInspector(t, Options{}), ref)
			if tc.ok {
				if err != nil {
					t.Fatalf("Inspect(%q) = %v, want the image", ref, err)
				}
				return
			}
			var re *RegistryError
			if !errors.As(err, &re) || re.Registry != g.host || errors.Is(err, inspect.ErrNotFound) {
				t.Fatalf("Inspect(%q) error = %v, want a *RegistryError naming %s", ref, err, g.host)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("Inspect(%q) error %q prints the credential", ref, err)
			}
		})
	}
}

func TestRegistryRetries(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			g := startGatedRegistry(t, "", "")
			g.status = status
			push(t, g.host, "python3.12")
			g.failures.Store(1)
			g.reads.Store(0)
			ref := lookup(t, "python3.12").Ref(g.host)
			img, err := inspectRef(t, newInspector(t, Options{}), ref)
			if err != nil {
				t.Fatalf("Inspect(%q) with an answer %d first = %v, want the image after retrying", ref, status, err)
			}
			if img.Facts.OS == nil || img.Facts.OS.VersionID != "2023" {
				t.Errorf("Inspect(%q).Facts.OS = %+v, want Amazon Linux 2023", ref, img.Facts.OS)
			}
			if n := g.reads.Load(); n < 2 {
				t.Errorf("Inspect(%q) made %d reads, want the refused one retried", ref, n)
			}
		})
	}
}
