package harness

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/sammatrix/sammatrix/matrix"
)

// testMatrix is a matrix.yaml of two pairs with every harness key set.
const testMatrix = `version: 1
plugin: {version: 1.1.2, base-image: harness/serverless-plugin:1.1.0-beta-base-image}
target-repo: docker.io/acme/serverless-plugin
serverless: ["3.39.0", "4.4.0"]
pairs:
  - runtime: public.ecr.aws/sam/build-python3.12:1.142.1-20250701194731-x86_64
    nodejs: public.ecr.aws/sam/build-nodejs20.x:1.142.1-20250701194712-x86_64
  - runtime: public.ecr.aws/sam/build-nodejs20.x:1.142.1-20250701194712-x86_64
    nodejs: public.ecr.aws/sam/build-nodejs20.x:1.142.1-20250701194712-x86_64
harness:
  project: my_project
  org: default
  k8s-connector: my_k8s
  docker-connector: account.dockerhub
  namespace: builds
  max-concurrency: 3
  docker-username-secret: account.registry_user
  docker-password-secret: account.registry_token
`

// testDockerfile is a Dockerfile of the pair id with what a shell would
// expand, quote or join if it were not written verbatim, and a line equal
// to the here-document's delimiter.
func testDockerfile(id string) []byte {
	return []byte(`# Dockerfile of ` + id + `
FROM public.ecr.aws/sam/build-nodejs20.x@sha256:1111111111111111111111111111111111111111111111111111111111111111 AS nodejs_base
FROM public.ecr.aws/sam/build-` + id + `@sha256:2222222222222222222222222222222222222222222222222222222222222222 AS base
COPY --from=nodejs_base /var/lang /var/lang
ENV PATH="/var/lang/bin:/opt/bin:${PATH}"
RUN echo 'single' "double" $HOME ` + "`date`" + ` && \
    test -n "$(id -u)"
	# a tab-indented comment
SAMMATRIX_DOCKERFILE

FROM base AS serverless-3.39.0
RUN npm install -g serverless@3.39.0
FROM base AS serverless-4.4.0
RUN npm install -g serverless@4.4.0
`)
}

// load parses matrix.yaml text and returns it with its pairs.
func load(t *testing.T, text string) (*matrix.File, []Pair) {
	t.Helper()
	f, fs := matrix.Parse("matrix.yaml", []byte(text))
	if len(fs) != 0 {
		t.Fatalf("matrix.Parse findings = %v, want none", fs)
	}
	var pairs []Pair
	for _, p := range f.Pairs {
		pairs = append(pairs, NewPair(f, p, testDockerfile(p.ID.V)))
	}
	return f, pairs
}

// render returns the pipeline of matrix.yaml text.
func render(t *testing.T, text string) []byte {
	t.Helper()
	f, pairs := load(t, text)
	out, err := Pipeline(f, pairs)
	if err != nil {
		t.Fatalf("Pipeline = %v, want no error", err)
	}
	return out
}

// customMatrix is testMatrix with a Custom stage.
var customMatrix = testMatrix + "  stage: custom\n"

func TestPipelineGolden(t *testing.T) {
	for _, tc := range []struct {
		name, matrix, golden string
	}{
		{"deployment", testMatrix, "testdata/pipeline.yaml"},
		{"custom", customMatrix, "testdata/pipeline_custom.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := render(t, tc.matrix)
			if again := render(t, tc.matrix); !bytes.Equal(got, again) {
				t.Fatalf("Pipeline is not reproducible: two renders of the same file differ")
			}
			if os.Getenv("UPDATE_GOLDEN") != "" {
				if err := os.WriteFile(tc.golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(tc.golden)
			if err != nil {
				t.Fatalf("reading golden: %v (UPDATE_GOLDEN=1 writes it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Pipeline(%s) differs from %s (UPDATE_GOLDEN=1 rewrites it):\n%s", tc.name, tc.golden, got)
			}
		})
	}
}

// node is a parsed pipeline with helpers to walk it.
type node = map[string]any

func parse(t *testing.T, out []byte) node {
	t.Helper()
	if !bytes.HasPrefix(out, []byte(Header)) {
		t.Fatalf("Pipeline output starts %q, want %q", out[:min(len(out), 60)], Header)
	}
	var doc node
	if err := yaml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("yaml.Unmarshal(Pipeline output) = %v, want a YAML document", err)
	}
	return doc
}

// get follows a path of keys and list indexes.
func get(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(node)
			if !ok {
				t.Fatalf("at %v: %T is no mapping", path, v)
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("at %v: %v is no list of %d", path, v, k+1)
			}
			v = l[k]
		}
	}
	return v
}

// walk calls fn for every mapping entry in v, with its parent key.
func walk(v any, parent string, fn func(parent, key string, val any)) {
	switch x := v.(type) {
	case node:
		for k, val := range x {
			fn(parent, k, val)
			walk(val, k, fn)
		}
	case []any:
		for _, val := range x {
			walk(val, parent, fn)
		}
	}
}

func TestPipelineStructure(t *testing.T) {
	for _, tc := range []struct {
		name, matrix, stageType string
		wantService             bool
	}{
		{"deployment", testMatrix, "Deployment", true},
		{"custom", customMatrix, "Custom", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := parse(t, render(t, tc.matrix))
			p := get(t, doc, "pipeline")
			for _, c := range []struct {
				path []any
				want any
			}{
				{[]any{"identifier"}, matrix.DefaultPipeline},
				{[]any{"projectIdentifier"}, "my_project"},
				{[]any{"orgIdentifier"}, "default"},
				{[]any{"stages", 0, "stage", "type"}, tc.stageType},
			} {
				if got := get(t, p, c.path...); got != c.want {
					t.Errorf("pipeline %v = %v, want %v", c.path, got, c.want)
				}
			}
			st := get(t, p, "stages", 0, "stage")
			if _, ok := get(t, st, "spec").(node)["service"]; ok != tc.wantService {
				t.Errorf("stage spec has service = %v, want %v", ok, tc.wantService)
			}
			if fs, _ := get(t, st, "failureStrategies").([]any); tc.stageType == "Deployment" && len(fs) == 0 {
				t.Errorf("Deployment stage failureStrategies = %v, want at least one", fs)
			}
			g := get(t, st, "spec", "execution", "steps", 0, "stepGroup")
			for _, c := range []struct {
				path []any
				want any
			}{
				{[]any{"stepGroupInfra", "type"}, "KubernetesDirect"},
				{[]any{"stepGroupInfra", "spec", "connectorRef"}, "my_k8s"},
				{[]any{"stepGroupInfra", "spec", "namespace"}, "builds"},
				{[]any{"strategy", "matrix", "maxConcurrency"}, 3},
				{[]any{"strategy", "matrix", "pair", 0, "id"}, "python3.12"},
				{[]any{"strategy", "matrix", "pair", 1, "id"}, "nodejs20.x"},
				{[]any{"steps", 0, "step", "type"}, "Background"},
				{[]any{"steps", 0, "step", "spec", "privileged"}, true},
				{[]any{"steps", 0, "step", "spec", "connectorRef"}, "account.dockerhub"},
				{[]any{"steps", 1, "step", "type"}, "Run"},
				{[]any{"steps", 1, "step", "spec", "image"}, ClientImage},
				{[]any{"steps", 1, "step", "spec", "connectorRef"}, "account.dockerhub"},
				{[]any{"steps", 1, "step", "spec", "envVariables", "DOCKER_USERNAME"}, `<+secrets.getValue("account.registry_user")>`},
				{[]any{"steps", 1, "step", "spec", "envVariables", "DOCKER_PASSWORD"}, `<+secrets.getValue("account.registry_token")>`},
				{[]any{"steps", 1, "step", "spec", "outputVariables", 0, "name"}, "DIGEST_BASE"},
				{[]any{"steps", 1, "step", "spec", "outputVariables", 1, "name"}, "DIGEST_SERVERLESS_3_39_0"},
				{[]any{"steps", 1, "step", "spec", "outputVariables", 2, "name"}, "DIGEST_SERVERLESS_4_4_0"},
			} {
				if got := get(t, g, c.path...); got != c.want {
					t.Errorf("stepGroup %v = %v, want %v", c.path, got, c.want)
				}
			}
			if got := get(t, g, "sharedPaths"); !slices.Equal(toStrings(got), []string{"/var/run", "/var/lib/docker"}) {
				t.Errorf("stepGroup sharedPaths = %v, want [/var/run /var/lib/docker]", got)
			}
			if _, ok := g.(node)["privileged"]; ok {
				t.Errorf("stepGroup has privileged, which Harness ignores there; want it on the Background step only")
			}
		})
	}
}

func toStrings(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

var identifierRE = regexp.MustCompile(`^[a-zA-Z_][0-9a-zA-Z_]{0,127}$`)

func TestPipelineIdentifiersAndEnv(t *testing.T) {
	for _, text := range []string{testMatrix, customMatrix} {
		out := render(t, text)
		doc := parse(t, out)
		ids := map[string]int{}
		var envs int
		walk(doc, "", func(parent, key string, val any) {
			switch {
			case key == "identifier":
				s, _ := val.(string)
				if !identifierRE.MatchString(s) {
					t.Errorf("identifier %v does not match %s", val, identifierRE)
				}
				ids[s]++
			case parent == "outputVariables" && key == "name":
				if s, _ := val.(string); !identifierRE.MatchString(s) {
					t.Errorf("output variable %v does not match %s", val, identifierRE)
				}
			case parent == "envVariables":
				envs++
				if _, ok := val.(string); !ok {
					t.Errorf("envVariables %s = %v (%T), want a string", key, val, val)
				}
			}
		})
		if envs == 0 {
			t.Errorf("Pipeline has no envVariables, want the build step's")
		}
		for id, n := range ids {
			if n > 1 {
				t.Errorf("identifier %q appears %d times, want once", id, n)
			}
		}
		// Every <+pipeline.variables.X> names a variable of the pipeline.
		var names []string
		for _, v := range get(t, doc, "pipeline", "variables").([]any) {
			names = append(names, v.(node)["name"].(string))
		}
		for _, m := range regexp.MustCompile(`<\+pipeline\.variables\.([A-Za-z0-9_]+)>`).FindAllStringSubmatch(string(out), -1) {
			if !slices.Contains(names, m[1]) {
				t.Errorf("Pipeline refers to pipeline variable %s; variables are %v", m[1], names)
			}
		}
		// Every <+execution.steps.…> names a step that exists.
		if m := regexp.MustCompile(`<\+execution\.steps\.`).FindString(string(out)); m != "" {
			t.Errorf("Pipeline refers to a step output (%s); none is produced before the step", m)
		}
	}
}

// script returns the build step's command of a rendered pipeline.
func script(t *testing.T, out []byte) string {
	t.Helper()
	doc := parse(t, out)
	s, _ := get(t, doc, "pipeline", "stages", 0, "stage", "spec", "execution", "steps", 0, "stepGroup", "steps", 1, "step", "spec", "command").(string)
	if s == "" {
		t.Fatal("build step has no command")
	}
	return s
}

func TestPipelineEmbedsDockerfile(t *testing.T) {
	out := render(t, testMatrix)
	cmd := script(t, out)
	for _, id := range []string{"python3.12", "nodejs20.x"} {
		t.Run(id, func(t *testing.T) {
			// The here-document that writes the pair's Dockerfile.
			re := regexp.MustCompile(`(?m)^  cat > 'build/` + regexp.QuoteMeta(id) + `/Dockerfile' <<'([A-Z_0-9]+)'\n`)
			m := re.FindStringSubmatchIndex(cmd)
			if m == nil {
				t.Fatalf("build script writes no build/%s/Dockerfile:\n%s", id, cmd)
			}
			end := cmd[m[2]:m[3]]
			body := cmd[m[1]:]
			i := strings.Index(body, "\n"+end+"\n")
			if i < 0 {
				t.Fatalf("here-document of %s has no end line %q", id, end)
			}
			got := body[:i+1]
			if want := string(testDockerfile(id)); got != want {
				t.Errorf("Dockerfile written for %s =\n%s\nwant byte-equal\n%s", id, got, want)
			}
			if end == heredocEnd {
				t.Errorf("here-document delimiter = %q, which is a line of the Dockerfile", end)
			}
		})
	}
	for _, want := range []string{
		"publish 'base' 'python3.12-1.1.2-linux-amd64'",
		"publish 'serverless-3.39.0' 'python3.12-3.39.0-1.1.2-linux-amd64'",
		"publish 'serverless-4.4.0' 'nodejs20.x-4.4.0-1.1.2-linux-amd64'",
		`docker push "$TARGET_REPO:$2"`,
		`docker inspect --format '{{index .RepoDigests 0}}'`,
		`printf '%s' "$DOCKER_PASSWORD" | docker login -u "$DOCKER_USERNAME" --password-stdin 'docker.io'`,
		"export DIGEST_BASE DIGEST_SERVERLESS_3_39_0 DIGEST_SERVERLESS_4_4_0",
	} {
		if !strings.Contains(cmd, want) {
			t.Errorf("build script lacks %q:\n%s", want, cmd)
		}
	}
	if !strings.Contains(string(out), "value: docker.io/acme/serverless-plugin\n") {
		t.Errorf("Pipeline does not set %s to target-repo", TargetRepoVariable)
	}
}

func TestPipelineKeepsSecrets(t *testing.T) {
	out := string(render(t, testMatrix))
	cmd := script(t, []byte(out))
	echoSecret := regexp.MustCompile(`(?i)\becho\b[^\n;&|]*(PASSWORD|USERNAME|TOKEN|SECRET|secrets\.)`)
	for _, bad := range []struct {
		name string
		re   *regexp.Regexp
	}{
		{"a password given to docker login as -p", regexp.MustCompile(`docker\s+login\b[^\n|;&]*\s-p\b`)},
		{"a password given as an argument", regexp.MustCompile(`-p\s*"?\$\{?DOCKER_PASSWORD`)},
		{"a --password flag", regexp.MustCompile(`--password([\s=]|$)`)},
		{"tracing", regexp.MustCompile(`set -[a-z]*x|set -o xtrace`)},
		{"an echo of a credential", echoSecret},
		{"a secret expression in the command", regexp.MustCompile(`<\+secrets`)},
	} {
		if m := bad.re.FindString(cmd); m != "" {
			t.Errorf("build script has %s: %q", bad.name, m)
		}
	}
	if n := strings.Count(out, "<+secrets.getValue("); n != 2 {
		t.Errorf("Pipeline reads %d secrets, want 2 (username and password, in envVariables only)", n)
	}
}

func TestIdentifier(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"python3.12", "python3_12"},
		{"nodejs20.x", "nodejs20_x"},
		{"java8.al2", "java8_al2"},
		{"3.39.0", "_3_39_0"},
		{"", "_"},
		{strings.Repeat("a", 200), strings.Repeat("a", 128)},
	} {
		if got := Identifier(tc.in); got != tc.want || !identifierRE.MatchString(got) {
			t.Errorf("Identifier(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	got := uniqueIdentifiers([]string{"a.b", "a-b", "a_b", strings.Repeat("x", 128), strings.Repeat("x", 129)}, "taken")
	want := []string{"a_b", "a_b_2", "a_b_3", strings.Repeat("x", 128), strings.Repeat("x", 126) + "_2"}
	if !slices.Equal(got, want) {
		t.Errorf("uniqueIdentifiers = %q, want %q", got, want)
	}
}

func TestPipelineErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		matrix string
		change func(f *matrix.File, pairs []Pair) []Pair
		want   string
	}{
		{
			name:   "missing settings",
			matrix: testMatrix[:strings.Index(testMatrix, "harness:")],
			want:   "needs harness.project, harness.org, harness.k8s-connector, harness.docker-connector in matrix.yaml",
		},
		{
			name:   "no pairs",
			matrix: testMatrix,
			change: func(*matrix.File, []Pair) []Pair { return nil },
			want:   "needs at least one pair",
		},
		{
			name:   "Dockerfile without final newline",
			matrix: testMatrix,
			change: func(_ *matrix.File, p []Pair) []Pair { p[1].Dockerfile = []byte("FROM x"); return p },
			want:   `the Dockerfile of pair "nodejs20.x" does not end with a newline`,
		},
		{
			name:   "Harness expression in a Dockerfile",
			matrix: testMatrix,
			change: func(_ *matrix.File, p []Pair) []Pair {
				p[0].Dockerfile = []byte("ENV A=<+secrets.getValue(\"x\")>\n")
				return p
			},
			want: `the Dockerfile of pair "python3.12" holds "<+"`,
		},
		{
			name:   "unlisted Serverless version",
			matrix: testMatrix,
			change: func(_ *matrix.File, p []Pair) []Pair { p[0].ServerlessTags["9.9.9"] = "x"; return p },
			want:   `pair "python3.12" has a tag for Serverless version "9.9.9"`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, pairs := load(t, tc.matrix)
			if tc.change != nil {
				pairs = tc.change(f, pairs)
			}
			out, err := Pipeline(f, pairs)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Pipeline(%s) = %v, want an error containing %q", tc.name, err, tc.want)
			}
			if out != nil {
				t.Errorf("Pipeline(%s) returned %d bytes with its error, want none", tc.name, len(out))
			}
		})
	}
}

func TestLoginRegistry(t *testing.T) {
	for _, tc := range []struct{ repo, want string }{
		{"docker.io/acme/serverless-plugin", "docker.io"},
		{"acme/serverless-plugin", "docker.io"},
		{"index.docker.io/acme/serverless-plugin", "docker.io"},
		{"123456789012.dkr.ecr.us-east-1.amazonaws.com/serverless-plugin", "123456789012.dkr.ecr.us-east-1.amazonaws.com"},
		{"localhost:5000/acme/plugin", "localhost:5000"},
	} {
		got, err := loginRegistry(tc.repo)
		if err != nil || got != tc.want {
			t.Errorf("loginRegistry(%q) = %q, %v, want %q", tc.repo, got, err, tc.want)
		}
	}
}

// moduleRoot returns the directory of go.mod above the working directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}
