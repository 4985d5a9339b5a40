package matrix

import (
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sammatrix/sammatrix/inspect/fixture"
)

// libstdcxx-mismatch compares the files the soname resolves to, not the
// files that happen to be there.
func TestLibstdcxxMismatch(t *testing.T) {
	// An AL2023 runtime that also has a stray AL2 libstdc++ file: the
	// soname link still points at 6.0.29.
	stray := buildImage(t, amazonLinux(t, "al2023"), systemSSL(t),
		[]fixture.File{elfFile(t, "al2/libstdc++.so.6.0.24", "usr/lib64/libstdc++.so.6.0.24")})
	tests := []struct {
		name    string
		runtime v1.Image
		nodejs  v1.Image
		want    []string // parts of the finding; nil for none
	}{
		{"stray older file, same real file", stray, node20Image(t), nil},
		{"stray older file, older node image", stray, buildImage(t, amazonLinux(t, "al2"), nodeFiles(t, "node18")),
			[]string{"the runtime image has /usr/lib64/libstdc++.so.6.0.29 (GLIBCXX_3.4.29)", "the Node.js image /usr/lib64/libstdc++.so.6.0.24 (GLIBCXX_3.4.24)"}},
		{"same release", al2023Runtime(t), node20Image(t), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validatePair(t, tt.runtime, tt.nodejs)
			got := ruleFindings(p, RuleLibstdcxxMismatch)
			if p.Summary.RuntimeLibstdcxx != "6.0.29" {
				t.Errorf("summary: runtime libstdc++ %q, want 6.0.29 (the file the soname resolves to)", p.Summary.RuntimeLibstdcxx)
			}
			if tt.want == nil {
				if len(got) != 0 || p.Verdict != Compatible {
					t.Errorf("Validate(...) pair %q = %v, %s %q, want compatible and none", p.Pair.ID.V, p.Verdict, RuleLibstdcxxMismatch, messages(got))
				}
				return
			}
			if len(got) != 1 || got[0].Severity != Error {
				t.Fatalf("Validate(...) pair %q %s = %+v, want one error", p.Pair.ID.V, RuleLibstdcxxMismatch, got)
			}
			for _, want := range tt.want {
				if !strings.Contains(got[0].Message, want) {
					t.Errorf("finding %q, want it to contain %q", got[0].Message, want)
				}
			}
		})
	}
}
