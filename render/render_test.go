package render

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/reader"
	"github.com/sammatrix/sammatrix/matrix"
	"github.com/sammatrix/sammatrix/render/dockerfile"
	"gopkg.in/yaml.v3"
)

const (
	digestRuntime = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	digestNode    = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
	digestPlugin  = "sha256:3333333333333333333333333333333333333333333333333333333333333333"
)

const matrixText = `version: 1
plugin:
  version: 1.1.2
  base-image: harness/serverless-plugin:1.1.0-beta-base-image@` + digestPlugin + `
target-repo: docker.io/acme/serverless-plugin
serverless: ["3.39.0"]
pairs:
  - runtime: public.ecr.aws/sam/build-python3.12:1.143.0-20250822194415-x86_64
    nodejs: public.ecr.aws/sam/build-nodejs20.x:1.143.0-20250822194415-x86_64
  - runtime: public.ecr.aws/sam/build-java21:1.143.0-20250822194415-x86_64
    nodejs: public.ecr.aws/sam/build-nodejs20.x:1.143.0-20250822194415-x86_64
harness:
  project: serverless
  org: default
  k8s-connector: k8s
  docker-connector: account.dockerhub
`

// parse loads a matrix.yaml text, failing the test on any problem.
func parse(t *testing.T, text string) *matrix.File {
	t.Helper()
	f, fs := matrix.Parse(filepath.Join(t.TempDir(), "matrix.yaml"), []byte(text))
	if matrix.HasSchemaErrors(fs) {
		t.Fatalf("Parse(...) = %v", fs)
	}
	return f
}

// pinsOf pins the test matrix's images without a registry.
func pinsOf(f *matrix.File) map[string]dockerfile.Image {
	pins := map[string]dockerfile.Image{}
	for _, p := range f.Pairs {
		pins[p.Runtime.V] = dockerfile.Image{Ref: p.Runtime.V, Digest: digestRuntime}
		pins[p.NodeJS.V] = dockerfile.Image{Ref: p.NodeJS.V, Digest: digestNode}
	}
	name, digest, _ := strings.Cut(f.Plugin.BaseImage.V, "@")
	pins[f.Plugin.BaseImage.V] = dockerfile.Image{Ref: name, Digest: digest}
	return pins
}

func TestGenerate(t *testing.T) {
	f := parse(t, matrixText)
	files, err := Generate(f, pinsOf(f), map[string][]string{"java21": {"libstdcxx-mismatch: forced for the test"}})
	if err != nil {
		t.Fatalf("Generate(...) = %v", err)
	}
	if got, want := files.Names(), []string{"java21/Dockerfile", "pipeline.yaml", "python3.12/Dockerfile"}; !slices.Equal(got, want) {
		t.Fatalf("Generate(...) files = %q, want %q", got, want)
	}
	py := string(files["python3.12/Dockerfile"])
	for _, want := range []string{
		dockerfile.Header + "\n",
		"FROM public.ecr.aws/sam/build-python3.12:1.143.0-20250822194415-x86_64@" + digestRuntime + " AS base",
		"FROM harness/serverless-plugin:1.1.0-beta-base-image@" + digestPlugin + " AS ",
		"FROM base AS serverless-3.39.0",
	} {
		if !strings.Contains(py, want) {
			t.Errorf("Generate(...) python3.12/Dockerfile has no %q:\n%s", want, py)
		}
	}
	if strings.Contains(py, "# forced:") || !strings.Contains(string(files["java21/Dockerfile"]), "# forced: libstdcxx-mismatch: forced for the test") {
		t.Errorf("Generate(...) marks forced pairs wrongly: only java21 is forced")
	}
	script := strings.Join(yamlStrings(t, files[PipelineFile]), "\n")
	for _, id := range []string{"python3.12", "java21"} {
		if !strings.Contains(script, string(files[DockerfileOf(id)])) {
			t.Errorf("Generate(...) pipeline does not carry %s's Dockerfile byte for byte", id)
		}
	}
	again, err := Generate(f, pinsOf(f), map[string][]string{"java21": {"libstdcxx-mismatch: forced for the test"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files.Names() {
		if !bytes.Equal(files[name], again[name]) {
			t.Errorf("Generate(...) %s differs between two runs", name)
		}
	}
	pins := pinsOf(f)
	delete(pins, f.Pairs[1].Runtime.V)
	if _, err := Generate(f, pins, nil); err == nil || !strings.Contains(err.Error(), "java21") {
		t.Errorf("Generate(without the java21 runtime's digest) = %v, want an error naming the pair", err)
	}
}

// tree reads every file under dir, by slash-separated relative path.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWriteAndCompare(t *testing.T) {
	f := parse(t, matrixText)
	files, err := Generate(f, pinsOf(f), nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "build")
	if changes, err := Compare(dir, files); err != nil || len(changes) != len(files) || changes[0].Kind != "missing" {
		t.Errorf("Compare(no output yet) = %v, %v, want every file missing", changes, err)
	}
	if err := Write(dir, files); err != nil {
		t.Fatalf("Write(new dir) = %v", err)
	}
	if changes, err := Compare(dir, files); err != nil || len(changes) != 0 {
		t.Errorf("Compare(just written) = %v, %v, want none", changes, err)
	}

	// One pair less, the other changed: stale and extra, then rewritten.
	one := parse(t, strings.Replace(strings.Replace(matrixText, "  - runtime: public.ecr.aws/sam/build-java21:1.143.0-20250822194415-x86_64\n    nodejs: public.ecr.aws/sam/build-nodejs20.x:1.143.0-20250822194415-x86_64\n", "", 1), `["3.39.0"]`, `["3.39.0", "4.17.1"]`, 1))
	files2, err := Generate(one, pinsOf(one), nil)
	if err != nil {
		t.Fatal(err)
	}
	changes, err := Compare(dir, files2)
	want := []Change{{"java21/Dockerfile", "extra"}, {"pipeline.yaml", "stale"}, {"python3.12/Dockerfile", "stale"}}
	if err != nil || !slices.Equal(changes, want) {
		t.Errorf("Compare(after an edit) = %v, %v, want %v", changes, err, want)
	}
	if err := Write(dir, files2); err != nil {
		t.Fatalf("Write(over the old output) = %v", err)
	}
	got := tree(t, dir)
	if len(got) != len(files2) || got["python3.12/Dockerfile"] != string(files2["python3.12/Dockerfile"]) {
		t.Errorf("Write(over the old output) left %q, want exactly %q", slices.Sorted(maps.Keys(got)), files2.Names())
	}

	// A failing write leaves the output as it was.
	before := tree(t, dir)
	bad := Files{"ok/Dockerfile": files2["python3.12/Dockerfile"], "bad\x00name": []byte(dockerfile.Header + "\n")}
	if err := Write(dir, bad); err == nil {
		t.Fatal("Write(a file name with NUL) = nil, want an error")
	}
	if after := tree(t, dir); !maps.Equal(before, after) {
		t.Errorf("a failed Write changed the output: %q, was %q", slices.Sorted(maps.Keys(after)), slices.Sorted(maps.Keys(before)))
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".build.*")); len(leftovers) != 0 {
		t.Errorf("a failed Write left %q beside the output", leftovers)
	}

	// A file render did not write is never replaced.
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, files2); err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("Write(over a foreign file) = %v, want an error naming notes.txt", err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "notes.txt")); err != nil || string(b) != "mine\n" {
		t.Errorf("Write(over a foreign file) touched it: %q, %v", b, err)
	}
}

func TestExisting(t *testing.T) {
	f := parse(t, matrixText)
	forced := map[string][]string{"python3.12": {"os-mismatch: a", "libstdcxx-mismatch: b"}}
	files, err := Generate(f, pinsOf(f), forced)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "build")
	if err := Write(dir, files); err != nil {
		t.Fatal(err)
	}
	pins, gotForced := Existing(dir)
	for ref, want := range map[string]string{
		"public.ecr.aws/sam/build-python3.12:1.143.0-20250822194415-x86_64": digestRuntime,
		"public.ecr.aws/sam/build-nodejs20.x:1.143.0-20250822194415-x86_64": digestNode,
		"harness/serverless-plugin:1.1.0-beta-base-image":                   digestPlugin,
	} {
		if pins[ref] != want {
			t.Errorf("Existing(...) pins[%s] = %q, want %q", ref, pins[ref], want)
		}
	}
	if !slices.Equal(gotForced["python3.12"], forced["python3.12"]) || len(gotForced["java21"]) != 0 {
		t.Errorf("Existing(...) forced = %q, want %q", gotForced, forced)
	}
}

// A check asks no registry: what neither matrix.yaml nor the output pins is
// reported unknown, and the files that name it come out stale.
func TestPinOffline(t *testing.T) {
	f := parse(t, matrixText)
	in, err := reader.New(reader.Options{Transport: refuse{t}})
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]string{"public.ecr.aws/sam/build-python3.12:1.143.0-20250822194415-x86_64": digestRuntime}
	pins, unknown, err := Pin(context.Background(), f, in, known, true)
	if err != nil {
		t.Fatalf("Pin(offline) = %v", err)
	}
	wantUnknown := []string{"public.ecr.aws/sam/build-nodejs20.x:1.143.0-20250822194415-x86_64", "public.ecr.aws/sam/build-java21:1.143.0-20250822194415-x86_64"}
	if !slices.Equal(unknown, wantUnknown) {
		t.Errorf("Pin(offline) unknown = %q, want %q", unknown, wantUnknown)
	}
	if p := pins[f.Plugin.BaseImage.V]; p.Digest != digestPlugin || p.Ref != "harness/serverless-plugin:1.1.0-beta-base-image" {
		t.Errorf("Pin(offline) plugin = %+v, want its digest from matrix.yaml", p)
	}
	if p := pins[f.Pairs[0].Runtime.V]; p.Digest != digestRuntime {
		t.Errorf("Pin(offline) python3.12 = %+v, want the known digest", p)
	}
	if p := pins[f.Pairs[0].NodeJS.V]; p.Digest != Unpinned {
		t.Errorf("Pin(offline) nodejs20.x = %+v, want %s", p, Unpinned)
	}
}

// refuse is a transport that fails the test on any request.
type refuse struct{ t *testing.T }

func (r refuse) RoundTrip(req *http.Request) (*http.Response, error) {
	r.t.Errorf("a registry request was made: %s %s", req.Method, req.URL)
	return nil, errors.New("no request allowed")
}

// yamlStrings returns every string scalar of a YAML document, decoded.
func yamlStrings(t *testing.T, doc []byte) []string {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal(doc, &n); err != nil {
		t.Fatalf("the pipeline does not parse: %v", err)
	}
	var out []string
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode {
			out = append(out, n.Value)
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&n)
	return out
}
