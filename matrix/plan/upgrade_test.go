package plan_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/matrix"
	"github.com/sammatrix/sammatrix/matrix/plan"
)

func TestPlanUpgrades(t *testing.T) {
	in := testRegistry(t, "")
	const (
		java21      = "public.ecr.aws/sam/build-java21:1.120.0-20240626164113-x86_64"
		java21new   = "public.ecr.aws/sam/build-java21:1.140.0-20250605234711-x86_64"
		node22new   = "public.ecr.aws/sam/build-nodejs22.x:1.140.0-20250605234713-x86_64"
		java17newer = "public.ecr.aws/sam/build-java17:" + newerJava17
	)
	data := header + "pairs:\n" +
		"  - runtime: " + py312old + "\n    nodejs: " + node22 + "\n" +
		"  - runtime: " + java17 + "\n    nodejs: " + node18 + "\n" +
		"  - runtime: " + java21 + "\n    nodejs: " + node22 + "\n" +
		"  - id: pinned\n    runtime: " + java17 + "\n    nodejs: public.ecr.aws/sam/build-nodejs18.x@sha256:" + strings.Repeat("0", 64) + "\n"
	f, problems := matrix.Parse("matrix.yaml", []byte(data))
	if matrix.HasSchemaErrors(problems) {
		t.Fatal(problems)
	}
	u, err := plan.PlanUpgrades(ctx, f, in, in, 1, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		pair string
		to   plan.Combination
		held []string
		note string
	}{
		// The newer python3.12 tag is taken; nodejs22.x's newest has
		// libstdc++ 6.0.33 against python3.12's 6.0.29.
		{"python3.12", plan.Combination{Runtime: py312new, NodeJS: node22},
			[]string{"nodejs22.x:1.140.0-20250605234713-x86_64 libstdcxx-mismatch"}, ""},
		// The newest nodejs18.x tag holds an Amazon Linux 2023 node.
		{"java17", plan.Combination{Runtime: java17newer, NodeJS: node18},
			[]string{"nodejs18.x:" + brokenNode18 + " abi-version-missing"}, ""},
		// Both sides move together to libstdc++ 6.0.33.
		{"java21", plan.Combination{Runtime: java21new, NodeJS: node22new}, nil, ""},
		// A digest is not upgraded, and this one does not resolve.
		{"pinned", plan.Combination{Runtime: java17, NodeJS: "public.ecr.aws/sam/build-nodejs18.x@sha256:" + strings.Repeat("0", 64)}, nil, "no combination of its tags is compatible"},
	} {
		got := u.Upgrades[i]
		if got.Pair != tc.pair {
			t.Fatalf("upgrade %d is of pair %q, want %q", i, got.Pair, tc.pair)
		}
		if got.To != tc.to {
			t.Errorf("upgrade of %s to %+v, want %+v", tc.pair, got.To, tc.to)
		}
		if tc.held != nil && !slices.Equal(got.Held, tc.held) {
			t.Errorf("upgrade of %s held back by %q, want %q", tc.pair, got.Held, tc.held)
		}
		if !strings.Contains(got.Note, tc.note) {
			t.Errorf("upgrade of %s note %q, want one containing %q", tc.pair, got.Note, tc.note)
		}
		if got.Changed() && got.Result.Verdict != matrix.Compatible {
			t.Errorf("upgrade of %s proposes an incompatible pair: %v", tc.pair, got.Result.Findings)
		}
	}
	// Applying the upgrades changes only those values.
	out, err := plan.Apply([]byte(data), f, u.Edits(f))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer(
		"runtime: "+py312old, "runtime: "+py312new,
		"  - runtime: "+java17, "  - runtime: "+java17newer,
		"runtime: "+java21+"\n    nodejs: "+node22, "runtime: "+java21new+"\n    nodejs: "+node22new,
	).Replace(data)
	if string(out) != want {
		t.Errorf("Apply(upgrades) =\n%s\nwant\n%s", out, want)
	}
}
