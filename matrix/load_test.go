package matrix

import (
	"slices"
	"testing"
)

func TestParseHarnessStage(t *testing.T) {
	for _, tc := range []struct {
		name    string
		harness string
		want    string
		// problems are "line:col: message [id]".
		problems []string
	}{
		{name: "default", harness: "", want: StageDeployment},
		{name: "deployment", harness: "harness: {stage: deployment}\n", want: StageDeployment},
		{name: "custom", harness: "harness: {stage: custom}\n", want: StageCustom},
		{
			name: "unknown kind", harness: "harness:\n  stage: CI\n", want: StageDeployment,
			problems: []string{`9:10: harness.stage "CI" is not a stage kind; want deployment or custom [invalid-value]`},
		},
		{
			name: "wrong case", harness: "harness:\n  stage: Custom\n", want: StageDeployment,
			problems: []string{`9:10: harness.stage "Custom" is not a stage kind; want deployment or custom [invalid-value]`},
		},
		{
			name: "not a string", harness: "harness:\n  stage: [custom]\n", want: StageDeployment,
			problems: []string{`9:10: harness.stage must be a string, found a list [wrong-type]`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, fs := Parse("m.yaml", []byte(header+"  - runtime: "+py312+"\n    nodejs: "+node20+"\n"+tc.harness))
			if got := problemLines(fs); !slices.Equal(got, tc.problems) {
				t.Errorf("Parse findings = %q, want %q", got, tc.problems)
			}
			if got := f.Harness.Stage.V; got != tc.want {
				t.Errorf("Parse: harness.stage = %q, want %q", got, tc.want)
			}
		})
	}
}
