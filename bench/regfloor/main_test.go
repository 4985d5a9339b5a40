package main

import (
	"bytes"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// serve starts an in-process registry holding two images, and returns its
// host and the number of requests it has answered so far.
func serve(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		reg.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, tag := range []string{"sam/one:1", "sam/two:2"} {
		img, err := random.Image(64, 1)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := name.ParseReference(host + "/" + tag)
		if err != nil {
			t.Fatal(err)
		}
		if err := remote.Write(ref, img); err != nil {
			t.Fatal(err)
		}
	}
	n.Store(0)
	return host, &n
}

func TestRun(t *testing.T) {
	host, requests := serve(t)
	var stderr bytes.Buffer
	if code := run([]string{"-insecure", host + "/sam/one:1", host + "/sam/two:2"}, &stderr); code != exitOK {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitOK, &stderr)
	}
	// A ping and one manifest per image: what a warm validate asks.
	if got := requests.Load(); got != 3 {
		t.Errorf("%d requests, want 3", got)
	}
}

func TestRunUnknownTag(t *testing.T) {
	host, _ := serve(t)
	var stderr bytes.Buffer
	if code := run([]string{"-insecure", host + "/sam/one:1", host + "/sam/one:9"}, &stderr); code != exitError {
		t.Fatalf("exit %d, want %d", code, exitError)
	}
	if want := "/v2/sam/one/manifests/9: 404"; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q does not name the manifest and its status (%q)", stderr.String(), want)
	}
}

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{
		nil,
		{"-insecure"},
		{"sam/one:1"},
		{"127.0.0.1:1/sam/one:"},
		{"127.0.0.1:1/sam/one"},
		{"127.0.0.1:1/sam/one:1", "127.0.0.1:2/sam/two:2"},
		{"-bogus", "127.0.0.1:1/sam/one:1"},
	} {
		var stderr bytes.Buffer
		if code := run(args, &stderr); code != exitUsage {
			t.Errorf("run(%q): exit %d, want %d", args, code, exitUsage)
		}
		if stderr.Len() == 0 {
			t.Errorf("run(%q): nothing on stderr", args)
		}
	}
}

func TestManifestPaths(t *testing.T) {
	host, paths, err := manifestPaths([]string{
		"127.0.0.1:5000/sam/build-python3.12:1.120.0",
		"127.0.0.1:5000/harness/plugin@sha256:0123",
	})
	if err != nil {
		t.Fatal(err)
	}
	if host != "127.0.0.1:5000" {
		t.Errorf("host %q", host)
	}
	want := []string{"/v2/sam/build-python3.12/manifests/1.120.0", "/v2/harness/plugin/manifests/sha256:0123"}
	if strings.Join(paths, " ") != strings.Join(want, " ") {
		t.Errorf("paths %q, want %q", paths, want)
	}
}
