package plan_test

import (
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/matrix"
	"github.com/sammatrix/sammatrix/matrix/plan"
)

// The six runtimes and three Node.js repositories of the seed's table of
// recommended combinations that the fixtures have.
var (
	al2Runtimes    = []string{"python3.11", "java17", "java8.al2", "ruby3.2"}
	al2023Runtimes = []string{"python3.12", "java21"}
	nodeRepos      = []string{"nodejs18.x", "nodejs20.x", "nodejs22.x"}
)

func repos(names []string) []string {
	var out []string
	for _, n := range names {
		out = append(out, "public.ecr.aws/sam/build-"+n)
	}
	return out
}

// grid plans the seed's runtimes against the Node.js repositories, with
// the n newest tags of each.
func grid(t testing.TB, in interface {
	plan.TagLister
	matrix.ImageReader
}, n int) *plan.Grid {
	t.Helper()
	rts, err := plan.Expand(ctx, in, repos(append(append([]string{}, al2Runtimes...), al2023Runtimes...)), 1, "")
	if err != nil {
		t.Fatal(err)
	}
	njs, err := plan.Expand(ctx, in, repos(nodeRepos), n, "")
	if err != nil {
		t.Fatal(err)
	}
	g, err := plan.Evaluate(ctx, nil, rts, njs, in, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestGridFollowsTheSeed checks that plan reproduces the shape of the
// seed's table (Amazon Linux 2 runtimes with nodejs18.x, Amazon Linux 2023
// ones with nodejs20.x or 22.x) and that validate accepts every pair it
// suggests, read back from the pairs: block it prints.
func TestGridFollowsTheSeed(t *testing.T) {
	in := testRegistry(t, "")
	for _, tc := range []struct {
		name string
		tags int
		want map[string]string // runtime → suggested Node.js image, "" none
	}{
		{"two newest tags", 2, map[string]string{
			"python3.11": "nodejs18.x:1.120.0-20240626164104-x86_64",
			"java17":     "nodejs18.x:1.120.0-20240626164104-x86_64",
			"java8.al2":  "nodejs18.x:1.120.0-20240626164104-x86_64",
			"ruby3.2":    "nodejs18.x:1.120.0-20240626164104-x86_64",
			// libstdc++ 6.0.29 in python3.12, so not nodejs22.x's newest (6.0.33).
			"python3.12": "nodejs22.x:1.125.0-20241106230416-x86_64",
			"java21":     "nodejs22.x:1.140.0-20250605234713-x86_64",
		}},
		{"the newest nodejs18.x tag breaks Amazon Linux 2", 1, map[string]string{
			"python3.11": "", "java17": "", "java8.al2": "", "ruby3.2": "",
			// nodejs22.x's newest has libstdc++ 6.0.33, python3.12 6.0.29;
			// the newest nodejs18.x tag holds node 20, as nodejs20.x does,
			// and a tie of majors goes to the newest tag.
			"python3.12": "nodejs18.x:1.150.0-20250901120000-x86_64",
			"java21":     "nodejs22.x:1.140.0-20250605234713-x86_64",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := grid(t, in, tc.tags)
			// nodejs20.x has a single complete tag.
			if want := 3*tc.tags - (tc.tags - 1); len(g.Runtimes) != 6 || len(g.NodeJS) != want {
				t.Fatalf("Evaluate() = %d × %d images, want 6 × %d", len(g.Runtimes), len(g.NodeJS), want)
			}
			got := map[string]string{}
			for _, s := range g.Suggestions {
				got[s.ID] = ""
				if s.Found() {
					got[s.ID] = s.NodeJS.Short()
				} else if !strings.Contains(s.Why, "abi-version-missing") && !strings.Contains(s.Why, "libstdcxx-mismatch") {
					t.Errorf("suggestion for %s: Why = %q, want the failing rules", s.ID, s.Why)
				}
			}
			for rt, want := range tc.want {
				if got[rt] != want {
					t.Errorf("suggestion for %s = %q, want %q", rt, got[rt], want)
				}
			}
			validateSuggestions(t, in, g)
		})
	}
}

// The grid comes out the same from a real registry, Debian's
// docker-registry, as from the in-process one.
func TestGridOnDockerRegistry(t *testing.T) {
	want := grid(t, testRegistry(t, ""), 2)
	in := dockerRegistry(t)
	got := grid(t, in, 2)
	if len(got.Suggestions) != len(want.Suggestions) {
		t.Fatalf("docker-registry grid: %d suggestions, want %d", len(got.Suggestions), len(want.Suggestions))
	}
	for i, s := range got.Suggestions {
		w := want.Suggestions[i]
		if s.ID != w.ID || s.Found() != w.Found() || s.Found() && s.NodeJS.Short() != w.NodeJS.Short() {
			t.Errorf("docker-registry suggestion %d = %s → %v, want %s → %v as from the in-process registry", i, s.ID, s.NodeJS, w.ID, w.NodeJS)
		}
	}
	validateSuggestions(t, in, got)
}

// validateSuggestions runs validate on a matrix made of the suggested
// pairs, as plan prints them, and fails on any it rejects.
func validateSuggestions(t *testing.T, in matrix.ImageReader, g *plan.Grid) {
	t.Helper()
	yaml := "version: 1\nplugin:\n  version: 1.1.2\n  base-image: harness/serverless-plugin:1.1.0-beta-base-image\n" +
		"target-repo: docker.io/acme/serverless-plugin\nserverless: [\"3.39.0\"]\n" + plan.PairsYAML(g.Suggestions)
	f, problems := matrix.Parse("suggested.yaml", []byte(yaml))
	if matrix.HasSchemaErrors(problems) {
		t.Fatalf("the suggested pairs are not a valid matrix: %v\n%s", problems, yaml)
	}
	r, err := matrix.Validate(ctx, f, in, matrix.ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range r.Pairs {
		if p.Verdict != matrix.Compatible {
			t.Errorf("validate rejects the suggested pair %s: %v", p.Pair.ID.V, p.Findings)
		}
	}
}

// TestCellsAreValidateVerdicts checks each cell against validate run on
// that combination alone.
func TestCellsAreValidateVerdicts(t *testing.T) {
	in := testRegistry(t, "")
	g := grid(t, in, 1)
	for i := range g.Runtimes {
		for _, c := range g.Cells[i] {
			yaml := "version: 1\nplugin:\n  version: 1.1.2\n  base-image: harness/serverless-plugin:1.1.0-beta-base-image\n" +
				"target-repo: docker.io/acme/serverless-plugin\nserverless: [\"3.39.0\"]\npairs:\n" +
				"  - runtime: " + c.Runtime.Name + "\n    nodejs: " + c.NodeJS.Name + "\n"
			f, problems := matrix.Parse("one.yaml", []byte(yaml))
			if matrix.HasSchemaErrors(problems) {
				t.Fatal(problems)
			}
			r, err := matrix.Validate(ctx, f, in, matrix.ValidateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			want := r.Pairs[0]
			if c.Result.Verdict != want.Verdict || len(c.Result.Findings) != len(want.Findings) {
				t.Errorf("cell %s + %s = %s with %d findings, validate says %s with %d", c.Runtime.Short(), c.NodeJS.Short(),
					c.Result.Verdict, len(c.Result.Findings), want.Verdict, len(want.Findings))
			}
			if f := c.FirstError(); f != nil && f.Rule != want.Findings[0].Rule && !matrix.HasErrors(want.Findings[:1]) {
				t.Errorf("cell %s + %s first error %s, validate's first finding %s", c.Runtime.Short(), c.NodeJS.Short(), f.Rule, want.Findings[0].Rule)
			}
		}
	}
}

// BenchmarkGrid6x3 plans 6 runtimes × 3 Node.js images from a warm cache:
// the tag lists and manifests come from the registry, every layer index
// and config from the cache.
func BenchmarkGrid6x3(b *testing.B) {
	in := testRegistry(b, b.TempDir())
	grid(b, in, 1) // warms the cache
	b.ResetTimer()
	for b.Loop() {
		grid(b, in, 1)
	}
}
