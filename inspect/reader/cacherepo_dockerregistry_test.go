package reader

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sammatrix/sammatrix/inspect/fixture"
	"github.com/sammatrix/sammatrix/inspect/imageref"
)

// startDockerRegistry starts Debian's docker-registry (distribution 2.8)
// with testdata/registry/docker-registry.sh until the test ends. CI must
// run the tests that use it: with CI=true a missing binary fails.
func startDockerRegistry(t *testing.T) string {
	t.Helper()
	const bin = "/usr/bin/docker-registry"
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and %s is missing (apt-get install docker-registry): %v", bin, err)
		}
		t.Skipf("%s is missing (apt-get install docker-registry): %v", bin, err)
	}
	script := filepath.Join("..", "..", "testdata", "registry", "docker-registry.sh")
	run := func(args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "bash", append([]string{script}, args...)...)
		cmd.WaitDelay = time.Second
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Errorf("running docker-registry.sh %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return strings.TrimSpace(string(out)), err
	}
	dir := t.TempDir()
	host, err := run("start", dir)
	t.Cleanup(func() { run("stop", dir) })
	if err != nil {
		t.FailNow()
	}
	return host
}

// A cache repository on distribution 2.8 takes the index artifacts, and a
// second run on a fresh cache directory takes every index from it.
func TestCacheRepoDockerRegistry(t *testing.T) {
	host := startDockerRegistry(t)
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
