package plan_test

import (
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/matrix"
	"github.com/sammatrix/sammatrix/matrix/plan"
)

const header = `# Our images.
version: 1
plugin:
  version: 1.1.2
  base-image: harness/serverless-plugin:1.1.0-beta-base-image
target-repo: docker.io/acme/serverless-plugin
serverless: ["3.39.0"]
`

const (
	py312old = "public.ecr.aws/sam/build-python3.12:1.120.0-20240626164131-x86_64"
	py312new = "public.ecr.aws/sam/build-python3.12:1.130.0-20241001120000-x86_64"
	node20   = "public.ecr.aws/sam/build-nodejs20.x:1.120.0-20240626164108-x86_64"
	node22   = "public.ecr.aws/sam/build-nodejs22.x:1.125.0-20241106230416-x86_64"
	java17   = "public.ecr.aws/sam/build-java17:1.120.0-20240626164131-x86_64"
	node18   = "public.ecr.aws/sam/build-nodejs18.x:1.120.0-20240626164104-x86_64"
)

func TestApply(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pairs string
		edit  func(f *matrix.File) plan.Edits
		want  string // the pairs after the edit
		err   string
	}{{
		name:  "plain values, comments and spacing kept",
		pairs: "pairs:\n  # Python first.\n  - runtime: " + py312old + "   # pinned\n    nodejs:  " + node20 + "\n\npolicy: {}\n",
		edit: func(f *matrix.File) plan.Edits {
			return plan.SuggestionEdits(f, []plan.Suggestion{suggestion(t, py312new, node22)})
		},
		want: "pairs:\n  # Python first.\n  - runtime: " + py312new + "   # pinned\n    nodejs:  " + node22 + "\n\npolicy: {}\n",
	}, {
		name:  "quoting kept",
		pairs: "pairs:\n  - runtime: \"" + py312old + "\"\n    nodejs: '" + node20 + "'\n",
		edit: func(f *matrix.File) plan.Edits {
			return plan.SuggestionEdits(f, []plan.Suggestion{suggestion(t, py312new, node22)})
		},
		want: "pairs:\n  - runtime: \"" + py312new + "\"\n    nodejs: '" + node22 + "'\n",
	}, {
		name:  "a shared anchor changes once",
		pairs: "pairs:\n  - runtime: " + py312old + "\n    nodejs: &node !!str " + node20 + "\n  - id: other\n    runtime: " + java17 + "\n    nodejs: *node\n",
		edit: func(f *matrix.File) plan.Edits {
			return plan.Edits{Changes: []plan.Change{
				{Pos: f.Pairs[0].NodeJS.Pos, From: node20, To: node22},
				{Pos: f.Pairs[1].NodeJS.Pos, From: node20, To: node22},
			}}
		},
		want: "pairs:\n  - runtime: " + py312old + "\n    nodejs: &node !!str " + node22 + "\n  - id: other\n    runtime: " + java17 + "\n    nodejs: *node\n",
	}, {
		name:  "a shared anchor cannot change two ways",
		pairs: "pairs:\n  - runtime: " + py312old + "\n    nodejs: &node " + node20 + "\n  - id: other\n    runtime: " + java17 + "\n    nodejs: *node\n",
		edit: func(f *matrix.File) plan.Edits {
			return plan.Edits{Changes: []plan.Change{
				{Pos: f.Pairs[0].NodeJS.Pos, From: node20, To: node22},
				{Pos: f.Pairs[1].NodeJS.Pos, From: node20, To: node18},
			}}
		},
		err: "shared through an anchor",
	}, {
		name:  "pairs with an id of their own stay; a new runtime is appended after the last entry",
		pairs: "pairs:\n    - id: py\n      runtime: " + py312old + "\n      nodejs: " + node20 + "\n      # end of pairs\n# policy next\npolicy: {}\n",
		edit: func(f *matrix.File) plan.Edits {
			return plan.SuggestionEdits(f, []plan.Suggestion{suggestion(t, py312new, node22), suggestion(t, java17, node18)})
		},
		want: "pairs:\n    - id: py\n      runtime: " + py312old + "\n      nodejs: " + node20 + "\n    - runtime: " + java17 + "\n      nodejs: " + node18 + "\n      # end of pairs\n# policy next\npolicy: {}\n",
	}, {
		name:  "appended at the end of a file without a final newline",
		pairs: "pairs:\n  - runtime: " + py312old + "\n    nodejs: " + node20,
		edit: func(f *matrix.File) plan.Edits {
			return plan.SuggestionEdits(f, []plan.Suggestion{suggestion(t, java17, node18)})
		},
		want: "pairs:\n  - runtime: " + py312old + "\n    nodejs: " + node20 + "\n  - runtime: " + java17 + "\n    nodejs: " + node18 + "\n",
	}, {
		name:  "a flow list is left to the user",
		pairs: "pairs: [{runtime: " + py312old + ", nodejs: " + node20 + "}]\n",
		edit: func(f *matrix.File) plan.Edits {
			return plan.SuggestionEdits(f, []plan.Suggestion{suggestion(t, java17, node18)})
		},
		err: "not a block list",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(header + tc.pairs)
			f, problems := matrix.Parse("matrix.yaml", data)
			if matrix.HasSchemaErrors(problems) {
				t.Fatalf("Parse() = %v", problems)
			}
			got, err := plan.Apply(data, f, tc.edit(f))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Apply() error = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply() error = %v", err)
			}
			if want := header + tc.want; string(got) != want {
				t.Errorf("Apply() =\n%s\nwant\n%s", got, want)
			}
			if _, problems := matrix.Parse("matrix.yaml", got); matrix.HasSchemaErrors(problems) {
				t.Errorf("Apply() gives an invalid matrix: %v", problems)
			}
		})
	}
}

func suggestion(t *testing.T, runtime, nodejs string) plan.Suggestion {
	t.Helper()
	rt, err := plan.ParseImage(runtime, "")
	if err != nil {
		t.Fatal(err)
	}
	nj, err := plan.ParseImage(nodejs, "")
	if err != nil {
		t.Fatal(err)
	}
	return plan.Suggestion{ID: rt.RuntimeName(), Runtime: rt, NodeJS: nj}
}
