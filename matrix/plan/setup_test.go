package plan_test

import (
	"context"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/fixture"
	"github.com/sammatrix/sammatrix/inspect/reader"
)

// The tags the tests push beside the fixtures' own: the same images under
// newer tags, and an Amazon Linux 2023 Node.js image under the newest
// nodejs18.x tag, which no Amazon Linux 2 runtime can run.
const (
	newerPython312 = "1.130.0-20241001120000-x86_64"
	newerJava17    = "1.121.0-20240701120000-x86_64"
	brokenNode18   = "1.150.0-20250901120000-x86_64"
)

// testRegistry starts an in-process registry holding every fixture under
// its tag, plus the tags above and some incomplete ones, and returns an
// inspector that reads public.ecr.aws from it.
func testRegistry(t testing.TB, cacheDir string) *reader.Inspector {
	t.Helper()
	host, stop, err := fixture.StartRegistry()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return fillRegistry(t, host, cacheDir)
}

// dockerRegistry starts Debian's docker-registry on loopback, holding what
// testRegistry's holds, and returns an inspector that reads public.ecr.aws
// from it. Where docker-registry is not installed the test is skipped; in
// CI, where it must be, it fails.
func dockerRegistry(t testing.TB) *reader.Inspector {
	t.Helper()
	host := fixture.StartDockerRegistry(t)
	return fillRegistry(t, host, "")
}

// fillRegistry pushes to host every fixture under its tag, plus the tags
// above and some incomplete ones, and returns an inspector that reads
// public.ecr.aws, and the plugin image of the test matrices, from it.
func fillRegistry(t testing.TB, host, cacheDir string) *reader.Inspector {
	t.Helper()
	inputs := fixture.Inputs()
	if err := fixture.PushAll(host, inputs); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ name, repo, tag string }{
		{"python3.12", "sam/build-python3.12", newerPython312},
		{"python3.12", "sam/build-python3.12", "latest-x86_64"},
		{"python3.12", "sam/build-python3.12", "1.131.0-20241001120000-arm64"},
		{"java17", "sam/build-java17", newerJava17},
		{"nodejs20.x", "sam/build-nodejs18.x", brokenNode18},
	} {
		s, ok := fixture.Lookup(p.name)
		if !ok {
			t.Fatalf("no fixture %q", p.name)
		}
		img, err := fixture.Build(inputs, s)
		if err != nil {
			t.Fatal(err)
		}
		s.Repository, s.Tag = p.repo, p.tag
		if err := fixture.Push(host, s, img); err != nil {
			t.Fatal(err)
		}
	}
	in, err := reader.New(reader.Options{
		// The plugin image of the test matrices (harness/...) is served by
		// the same registry, as PushAll pushes it.
		Mirrors:  []reader.Mirror{{From: "public.ecr.aws", To: host}, {From: "index.docker.io", To: host}},
		Insecure: []string{host},
		CacheDir: cacheDir,
	})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

var ctx = context.Background()
