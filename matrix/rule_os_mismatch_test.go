package matrix

import (
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// os-mismatch is a hint: a warning that names both releases. An AL2
// runtime with node18 (which loads on AL2) is compatible all the same.
func TestOSMismatch(t *testing.T) {
	al2 := buildImage(t, amazonLinux(t, "al2"))
	node18al2023 := buildImage(t, amazonLinux(t, "al2023"), nodeFiles(t, "node18"))
	node18al2 := buildImage(t, amazonLinux(t, "al2"), nodeFiles(t, "node18"))
	tests := []struct {
		name    string
		runtime v1.Image
		nodejs  v1.Image
		want    bool
	}{
		{"AL2 and AL2023", al2, node18al2023, true},
		{"AL2 and AL2", al2, node18al2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validatePair(t, tt.runtime, tt.nodejs)
			got := ruleFindings(p, RuleOSMismatch)
			if !tt.want {
				if len(got) != 0 {
					t.Errorf("Validate(...) pair %q %s = %q, want none", p.Pair.ID.V, RuleOSMismatch, messages(got))
				}
				return
			}
			if len(got) != 1 || got[0].Severity != Warning {
				t.Fatalf("Validate(...) pair %q %s = %+v, want one warning", p.Pair.ID.V, RuleOSMismatch, got)
			}
			for _, want := range []string{"Amazon Linux 2,", "Amazon Linux 2023.5.20240624"} {
				if !strings.Contains(got[0].Message, want) {
					t.Errorf("finding %q, want it to name %q", got[0].Message, want)
				}
			}
			if e := got[0].Evidence; e == nil || e.Expected != "amzn 2" || e.Found != "amzn 2023" {
				t.Errorf("evidence = %+v, want expected amzn 2, found amzn 2023", e)
			}
			// libstdc++ differs too (6.0.24, 6.0.29): only that error decides.
			if rules := errorRules(p); len(rules) != 1 || rules[0] != RuleLibstdcxxMismatch {
				t.Errorf("Validate(...) pair %q error rules = %v, want only %s", p.Pair.ID.V, rules, RuleLibstdcxxMismatch)
			}
		})
	}
}
