package reader

import (
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// testTimeout is the timeout of these tests; generous bounds on how long a
// failure takes are a few times it.
const testTimeout = 300 * time.Millisecond

// silentListener accepts connections on a loopback port and never answers.
func silentListener(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}

func TestTimeoutSilentRegistry(t *testing.T) {
	host := silentListener(t)
	ref := host + "/sam/build-python3.12:latest"
	in := newInspector(t, Options{Timeout: testTimeout, Insecure: []string{host}})
	start := time.Now()
	_, err := inspectRef(t, in, ref)
	took := time.Since(start)
	var re *RegistryError
	var te *TimeoutError
	if !errors.As(err, &re) || !errors.As(err, &te) {
		t.Fatalf("Inspect(%q) of a registry that never answers = %v, want a *RegistryError holding a *TimeoutError", ref, err)
	}
	// The registry is reached over plain HTTP: the error is of that
	// request, not of the https one tried first.
	if want := "registry " + host + ": no response headers within 300ms"; err.Error() != want {
		t.Errorf("Inspect(%q) error = %q, want %q", ref, err, want)
	}
	if took > 20*testTimeout {
		t.Errorf("Inspect(%q) of a registry that never answers took %s with a timeout of %s, want it bounded by a few timeouts, not retried on", ref, took, testTimeout)
	}
}

// TestTimeoutTransportNames checks that the error says what did not come.
func TestTimeoutTransportNames(t *testing.T) {
	host := silentListener(t)
	for _, tt := range []struct {
		scheme string
		want   string
	}{
		{"http", "no response headers within 300ms"},
		{"https", "no TLS handshake within 300ms"},
	} {
		t.Run(tt.scheme, func(t *testing.T) {
			url := tt.scheme + "://" + host + "/v2/"
			req, err := http.NewRequest(http.MethodGet, url, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := newTimeoutTransport(nil, testTimeout).RoundTrip(req)
			if err == nil {
				resp.Body.Close()
			}
			var te *TimeoutError
			if !errors.As(err, &te) || te.Host != host || err.Error() != tt.want {
				t.Errorf("RoundTrip(GET %s) = %v, want a *TimeoutError for %s: %q", url, err, host, tt.want)
			}
		})
	}
}

// blobRegistry is go-containerregistry's in-memory registry whose layer
// blobs are served by serve once set: pushes pass untouched.
type blobRegistry struct {
	host   string
	layers map[string]bool // digests whose reads serve handles
	serve  func(w http.ResponseWriter, req *http.Request, body []byte)
}

func startBlobRegistry(t *testing.T) *blobRegistry {
	t.Helper()
	b := &blobRegistry{layers: map[string]bool{}}
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		d := req.URL.Path[strings.LastIndex(req.URL.Path, "/")+1:]
		if req.Method != http.MethodGet || !strings.Contains(req.URL.Path, "/blobs/") || !b.layers[d] {
			reg.ServeHTTP(w, req)
			return
		}
		rec := httptest.NewRecorder()
		reg.ServeHTTP(rec, req)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		b.serve(w, req, rec.Body.Bytes())
	}))
	t.Cleanup(srv.Close)
	b.host = strings.TrimPrefix(srv.URL, "http://")
	return b
}

// pushImage pushes the fixture called name to b and makes its layers the
// blobs b.serve serves.
func (b *blobRegistry) pushImage(t *testing.T, name string) (ref string, img v1.Image) {
	t.Helper()
	push(t, b.host, name)
	_, img = build(t, name)
	for _, d := range layerDigests(t, img) {
		b.layers[d.String()] = true
	}
	return lookup(t, name).Ref(b.host), img
}

func TestTimeoutStalledBody(t *testing.T) {
	b := startBlobRegistry(t)
	ref, _ := b.pushImage(t, "python3.12")
	b.serve = func(w http.ResponseWriter, req *http.Request, body []byte) {
		w.WriteHeader(http.StatusOK)
		w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		<-req.Context().Done()
	}
	in := newInspector(t, Options{Timeout: testTimeout})
	start := time.Now()
	_, err := inspectRef(t, in, ref)
	took := time.Since(start)
	var re *RegistryError
	var te *TimeoutError
	if !errors.As(err, &re) || !errors.As(err, &te) || te.Wait != "data" {
		t.Fatalf("Inspect(%q) with layer blobs that stall halfway = %v, want a *RegistryError holding a *TimeoutError for data", ref, err)
	}
	if msg := err.Error(); !strings.Contains(msg, "registry "+b.host+":") || !strings.Contains(msg, "no data for 300ms") {
		t.Errorf("Inspect(%q) error = %q, want it to name the registry %s and say no data came for 300ms", ref, msg, b.host)
	}
	if took > 20*testTimeout {
		t.Errorf("Inspect(%q) with stalled layer blobs took %s with a timeout of %s, want it bounded by a few timeouts", ref, took, testTimeout)
	}
}

// TestTimeoutSlowSteadyBody serves each layer in pieces 100ms apart, in
// all longer than the timeout: the image is read, as from a layout.
func TestTimeoutSlowSteadyBody(t *testing.T) {
	const pieces, gap = 6, 100 * time.Millisecond
	b := startBlobRegistry(t)
	ref, img := b.pushImage(t, "python3.12")
	var mu sync.Mutex
	var slowest time.Duration
	b.serve = func(w http.ResponseWriter, req *http.Request, body []byte) {
		start := time.Now()
		w.WriteHeader(http.StatusOK)
		step := (len(body) + pieces - 1) / pieces
		for i := 0; i < len(body); i += step {
			time.Sleep(gap)
			if i+step >= len(body) {
				// Before the last piece, which lets the client finish.
				mu.Lock()
				slowest = max(slowest, time.Since(start))
				mu.Unlock()
			}
			w.Write(body[i:min(i+step, len(body))])
			w.(http.Flusher).Flush()
		}
	}
	got, err := inspectRef(t, newInspector(t, Options{Timeout: testTimeout}), ref)
	if err != nil {
		t.Fatalf("Inspect(%q) with layers arriving a piece every %s, timeout %s = %v, want the image", ref, gap, testTimeout, err)
	}
	s := lookup(t, "python3.12")
	layout := "oci:" + writeLayout(t, map[string]v1.Image{s.Tag: img}) + ":" + s.Tag
	if want := factsJSON(t, mustInspect(t, newInspector(t, Options{}), layout).Facts); factsJSON(t, got.Facts) != want {
		t.Errorf("Inspect(%q) slowly = %s, want the facts of the image:\n%s", ref, factsJSON(t, got.Facts), want)
	}
	mu.Lock()
	defer mu.Unlock()
	if slowest <= testTimeout {
		t.Errorf("the slowest layer took %s to serve, want longer than the timeout %s for the test to mean something", slowest, testTimeout)
	}
}
