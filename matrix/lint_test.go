package matrix

import (
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/imageref"
)

func mustRef(t *testing.T, s string) imageref.Reference {
	t.Helper()
	r, err := imageref.Parse(s)
	if err != nil {
		t.Fatalf("ParseReference(%q): %v", s, err)
	}
	return r
}

func TestTags(t *testing.T) {
	// The seed procedure's own examples.
	if got, want := BaseTag("java21", "1.1.0-beta"), "java21-1.1.0-beta-linux-amd64"; got != want {
		t.Errorf("BaseTag(java21, 1.1.0-beta) = %q, want %q", got, want)
	}
	if got, want := ServerlessTag("java21", "3.39.0", "1.1.0-beta"), "java21-3.39.0-1.1.0-beta-linux-amd64"; got != want {
		t.Errorf("ServerlessTag(java21, 3.39.0, 1.1.0-beta) = %q, want %q", got, want)
	}
	f, fs := Parse("m.yaml", []byte(`version: 1
plugin: {version: 1.1.0-beta, base-image: harness/serverless-plugin:1.1.0-beta-base-image}
target-repo: docker.io/acme/serverless-plugin
serverless: ["3.39.0", "3.38.0"]
pairs:
  - runtime: public.ecr.aws/sam/build-java21:1.140.0-20250605234711-x86_64
    nodejs: public.ecr.aws/sam/build-nodejs22.x:1.140.0-20250605234713-x86_64
`))
	if len(fs) != 0 {
		t.Fatalf("Parse: unexpected findings %v", fs)
	}
	got := strings.Join(f.Images(f.Pairs[0]), " ")
	want := "docker.io/acme/serverless-plugin:java21-1.1.0-beta-linux-amd64 " +
		"docker.io/acme/serverless-plugin:java21-3.39.0-1.1.0-beta-linux-amd64 " +
		"docker.io/acme/serverless-plugin:java21-3.38.0-1.1.0-beta-linux-amd64"
	if got != want {
		t.Errorf("Images(java21 pair) = %q, want %q", got, want)
	}
}

func TestPairIDs(t *testing.T) {
	for _, tc := range []struct {
		name, runtime, id string
		want              string
		wantProblem       string
	}{
		{"registry", "public.ecr.aws/sam/build-python3.12:1.142.1-20250701194731-x86_64", "", "python3.12", ""},
		{"oci dir", "oci:demo/sam/build-java8.al2:1.120.0-20240626164122-x86_64", "", "java8.al2", ""},
		{"docker archive", "docker-archive:out/build-ruby3.2.tar", "", "ruby3.2", ""},
		{"explicit id wins", "public.ecr.aws/sam/build-python3.12:1.142.1-20250701194731-x86_64", "py312", "py312", ""},
		{"underivable", "oci:images/python", "", "", `missing key "id"`},
		{"id unusable in a tag", "oci:images/python", "my id", "", "cannot be part of an image tag"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idLine := ""
			if tc.id != "" {
				idLine = "    id: " + tc.id + "\n"
			}
			f, fs := Parse("m.yaml", []byte("version: 1\nplugin: {version: 1.1.2, base-image: harness/serverless-plugin:1.1.0-beta-base-image}\n"+
				"target-repo: docker.io/acme/serverless-plugin\nserverless: [\"3.39.0\"]\npairs:\n  - runtime: "+tc.runtime+"\n"+idLine+
				"    nodejs: public.ecr.aws/sam/build-nodejs20.x:1.142.1-20250701194712-x86_64\n"))
			if tc.wantProblem != "" {
				if len(fs) != 1 || !strings.Contains(fs[0].Message, tc.wantProblem) {
					t.Fatalf("Parse findings = %v, want one containing %q", fs, tc.wantProblem)
				}
				return
			}
			if len(fs) != 0 {
				t.Fatalf("Parse findings = %v, want none", fs)
			}
			if got := f.Pairs[0].ID.V; got != tc.want {
				t.Errorf("pair id = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPolicySeverity(t *testing.T) {
	f, fs := Parse("m.yaml", []byte(`version: 1
plugin: {version: 1.1.2, base-image: harness/serverless-plugin:1.1.0-beta-base-image}
target-repo: docker.io/acme/serverless-plugin
serverless: ["3.39.0"]
pairs:
  - runtime: public.ecr.aws/sam/build-python3.12:latest
    nodejs: docker.io/library/node:20
policy:
  ref-incomplete: warning
  ref-not-official: off
  libstdcxx-mismatch: warning
`))
	if len(fs) != 0 {
		t.Fatalf("Parse findings = %v, want none", fs)
	}
	for rule, want := range map[string]Severity{
		RuleRefIncomplete: Warning, RuleRefNotOfficial: Off, RuleLibstdcxxMismatch: Warning,
		RuleABIVersionMissing: Error, RuleOSMismatch: Warning,
	} {
		if got := f.Severity(rule); got != want {
			t.Errorf("Severity(%q) = %q, want %q", rule, got, want)
		}
	}
	got := Lint(f)
	if len(got) != 2 || got[0].Severity != Warning || got[1].Severity != Warning {
		t.Errorf("Lint = %v, want two warnings of ref-incomplete and none of ref-not-official", got)
	}
}

// A reference two pairs share through an alias is reported once, at the
// anchor, not once per pair.
func TestLintSharedReferenceOnce(t *testing.T) {
	src := `version: 1
plugin: {version: 1.1.2, base-image: harness/serverless-plugin:1.1.0-beta-base-image}
target-repo: docker.io/acme/serverless-plugin
serverless: ["3.39.0"]
pairs:
  - runtime: public.ecr.aws/sam/build-python3.12:1.143.0-20250822194415-x86_64
    nodejs: &node public.ecr.aws/sam/build-nodejs20.x:latest
  - runtime: public.ecr.aws/sam/build-java21:1.143.0-20250822194415-x86_64
    nodejs: *node
`
	f, fs := Parse("matrix.yaml", []byte(src))
	if HasSchemaErrors(fs) {
		t.Fatalf("Parse(...) = %v", fs)
	}
	var incomplete []Finding
	for _, fd := range Lint(f) {
		if fd.Rule == RuleRefIncomplete {
			incomplete = append(incomplete, fd)
		}
	}
	if len(incomplete) != 1 || incomplete[0].Pos.Line != 7 {
		t.Errorf("Lint(shared nodejs: latest) %s findings = %v, want one at line 7", RuleRefIncomplete, incomplete)
	}
}

// plugin.base-image is an image reference like a pair's: any transport,
// parsed, and judged by no rule about SAM build image references.
func TestPluginBaseImage(t *testing.T) {
	for _, tc := range []struct {
		name, ref   string
		wantProblem string
	}{
		{"registry", "harness/serverless-plugin:1.1.0-beta-base-image", ""},
		{"oci layout", "oci:harness/serverless-plugin:1.1.0-beta-base-image", ""},
		{"docker archive", "docker-archive:plugin.tar", ""},
		{"not a reference", "harness/Serverless-Plugin:1.1", `plugin.base-image "harness/Serverless-Plugin:1.1" is not an image reference`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, fs := Parse("m.yaml", []byte("version: 1\nplugin: {version: 1.1.2, base-image: "+tc.ref+"}\n"+
				"target-repo: docker.io/acme/serverless-plugin\nserverless: [\"3.39.0\"]\npairs:\n"+
				"  - runtime: public.ecr.aws/sam/build-python3.12:1.142.1-20250701194731-x86_64\n"+
				"    nodejs: public.ecr.aws/sam/build-nodejs20.x:1.142.1-20250701194712-x86_64\n"))
			if tc.wantProblem != "" {
				if len(fs) != 1 || !strings.Contains(fs[0].Message, tc.wantProblem) || fs[0].Pos.Line != 2 || fs[0].Rule != ProblemValue {
					t.Fatalf("Parse(base-image %q) findings = %v, want one at line 2 containing %q", tc.ref, fs, tc.wantProblem)
				}
				return
			}
			if len(fs) != 0 {
				t.Fatalf("Parse(base-image %q) findings = %v, want none", tc.ref, fs)
			}
			if got := f.Plugin.BaseImage.Ref.String(); got == "" || !f.Plugin.BaseImage.Set {
				t.Errorf("Parse(base-image %q).Plugin.BaseImage = %+v, want it parsed", tc.ref, f.Plugin.BaseImage)
			}
			if got := Lint(f); len(got) != 0 {
				t.Errorf("Lint(base-image %q) = %v, want nothing: the SAM reference rules do not judge the plugin image", tc.ref, got)
			}
		})
	}
}
