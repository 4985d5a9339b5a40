package matrix

import (
	"bytes"
	"context"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/fixture"
	"github.com/sammatrix/sammatrix/inspect/reader"
)

// countingTransport counts the blob requests (GET or HEAD of
// /v2/<name>/blobs/<digest>) it carries.
type countingTransport struct {
	blobs atomic.Int64
}

var blobPath = regexp.MustCompile(`^/v2/.+/blobs/[^/]+$`)

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if (req.Method == http.MethodGet || req.Method == http.MethodHead) && blobPath.MatchString(req.URL.Path) {
		c.blobs.Add(1)
	}
	return http.DefaultTransport.RoundTrip(req)
}

// verdicts returns, per pair id, the verdict and the error rules.
func verdicts(r *Report) map[string]string {
	out := map[string]string{}
	for _, p := range r.Pairs {
		out[p.Pair.ID.V] = p.Verdict + " " + strings.Join(errorRules(p), ",")
	}
	return out
}

// The acceptance: the demo's pairs read from a registry mirror of
// public.ecr.aws get the verdicts they get from the OCI layouts, and a
// second run with the same cache fetches no blob.
func TestValidateRegistryMirror(t *testing.T) {
	want := verdicts(validateFile(t, demo, nil))
	demoYAML, err := os.ReadFile(demo)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(demoYAML, []byte("oci:sam/")) {
		t.Fatalf("%s has no oci:sam/ references", demo)
	}
	if !bytes.Contains(demoYAML, []byte("base-image: oci:harness/")) {
		t.Fatalf("%s has no oci:harness/ plugin image", demo)
	}
	mirrored := bytes.ReplaceAll(demoYAML, []byte("oci:sam/"), []byte("public.ecr.aws/sam/"))

	inProcess, stop, err := fixture.StartRegistry()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	registries := []struct{ name, host string }{
		{"go-containerregistry", inProcess},
		{"docker-registry", ""},
	}
	for _, reg := range registries {
		t.Run(reg.name, func(t *testing.T) {
			host := reg.host
			if host == "" {
				host = fixture.StartDockerRegistry(t)
			}
			if err := fixture.PushAll(host, filepath.Join("..", "testdata", "fixtures")); err != nil {
				t.Fatal(err)
			}
			// The plugin image is read from the same registry, by its own name.
			text := bytes.ReplaceAll(mirrored, []byte("oci:harness/"), []byte(host+"/harness/"))
			path := filepath.Join(t.TempDir(), DefaultFile)
			if err := os.WriteFile(path, text, 0o644); err != nil {
				t.Fatal(err)
			}
			f, fs, err := Load(path)
			if err != nil || HasSchemaErrors(fs) {
				t.Fatalf("Load(%q) = %v, %v", path, fs, err)
			}
			cacheDir := t.TempDir()
			run := func() (*Report, int64) {
				t.Helper()
				tr := &countingTransport{}
				in, err := reader.New(reader.Options{
					Mirrors:   []reader.Mirror{{From: "public.ecr.aws", To: host}},
					Insecure:  []string{host},
					CacheDir:  cacheDir,
					Transport: tr,
				})
				if err != nil {
					t.Fatal(err)
				}
				r, err := Validate(context.Background(), f, in, ValidateOptions{})
				if err != nil {
					t.Fatalf("Validate(%q) with the mirror %s: %v", path, host, err)
				}
				return r, tr.blobs.Load()
			}
			r, blobs := run()
			got := verdicts(r)
			for _, p := range r.Pairs {
				id := p.Pair.ID.V
				if got[id] != want[id] {
					t.Errorf("Validate(...) pair %q = %v, want %v (as from the OCI layouts)", id, got[id], want[id])
				}
			}
			if len(got) != len(want) || len(got) != 13 {
				t.Errorf("Validate(...) judged %d pairs, want the demo's %d", len(got), len(want))
			}
			if blobs == 0 {
				t.Errorf("first run fetched no blob; the transport counts nothing")
			}

			r, blobs = run()
			if blobs != 0 {
				t.Errorf("second run with the same cache fetched %d blobs, want 0", blobs)
			}
			if got2 := verdicts(r); !maps.Equal(got2, got) {
				t.Errorf("second run verdicts = %v, want %v", got2, got)
			}
		})
	}
}

// From a registry, an unknown tag or repository is image-not-found and an
// index without linux/amd64 is arch-not-amd64, each on its reference; the
// other pairs are judged all the same.
func TestValidateRegistryNotFound(t *testing.T) {
	host, stop, err := fixture.StartRegistry()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	if err := fixture.PushAll(host, filepath.Join("..", "testdata", "fixtures")); err != nil {
		t.Fatal(err)
	}
	const (
		python   = "public.ecr.aws/sam/build-python3.12:1.120.0-20240626164131-x86_64"
		nodejs   = "public.ecr.aws/sam/build-nodejs20.x:1.120.0-20240626164108-x86_64"
		noTag    = "public.ecr.aws/sam/build-nodejs20.x:1.120.0-20990101000000-x86_64"
		noRepo   = "public.ecr.aws/sam/build-nodejs99.x:1.120.0-20240626164108-x86_64"
		armIndex = "public.ecr.aws/sam/build-nodejs20.x@sha256:"
	)
	s, _ := fixture.Lookup(fixture.IndexSpec)
	idx, err := fixture.ArmOnly(filepath.Join("..", "testdata", "fixtures"), s)
	if err != nil {
		t.Fatal(err)
	}
	d, err := idx.Digest()
	if err != nil {
		t.Fatal(err)
	}
	m := newMatrix(t)
	ps, _ := fixture.LookupPlugin(fixture.PluginStatic)
	m.Plugin = ps.Ref(host)
	m.pair("no-tag", python, noTag)
	m.pair("no-repo", python, noRepo)
	m.pair("arm-only", python, armIndex+d.Hex)
	m.pair("good", python, nodejs)
	path := m.write()
	f, fs, err := Load(path)
	if err != nil || HasSchemaErrors(fs) {
		t.Fatalf("Load(%q) = %v, %v", path, fs, err)
	}
	in, err := reader.New(reader.Options{Mirrors: []reader.Mirror{{From: "public.ecr.aws", To: host}}, Insecure: []string{host}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Validate(context.Background(), f, in, ValidateOptions{})
	if err != nil {
		t.Fatalf("Validate(%q): %v", path, err)
	}
	for _, tt := range []struct{ id, ref, rule, want string }{
		{"no-tag", noTag, RuleImageNotFound, "does not resolve"},
		{"no-repo", noRepo, RuleImageNotFound, "does not resolve"},
		{"arm-only", armIndex, RuleArchNotAMD64, "the index has linux/arm64/v8"},
	} {
		p := pairByID(t, r, tt.id)
		got := ruleFindings(p, tt.rule)
		if len(got) != 1 || p.Verdict != Incompatible {
			t.Errorf("Validate(...) pair %q = %v with %v, want one %s", tt.id, p.Verdict, p.Findings, tt.rule)
			continue
		}
		line, col := m.posOf(tt.ref)
		if got[0].Pos.Line != line || got[0].Pos.Col != col || !strings.Contains(got[0].Message, tt.want) {
			t.Errorf("pair %q: finding %v, want it at %d:%d saying %q", tt.id, got[0], line, col, tt.want)
		}
	}
	if p := pairByID(t, r, "good"); p.Verdict != Compatible {
		t.Errorf("Validate(...) pair %q = %v (%v), want %v", "good", p.Verdict, p.Findings, Compatible)
	}
}
