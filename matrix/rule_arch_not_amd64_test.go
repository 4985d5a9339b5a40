package matrix

import (
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/sammatrix/sammatrix/inspect/fixture"
)

func TestArchNotAMD64(t *testing.T) {
	arm := func(cf *v1.ConfigFile) { cf.Architecture, cf.Variant = "arm64", "v8" }
	tests := []struct {
		name        string
		armRuntime  bool
		armNodeJS   bool
		wantOnLines []string // "runtime" or "nodejs"
	}{
		{"runtime arm64", true, false, []string{"runtime"}},
		{"nodejs arm64", false, true, []string{"nodejs"}},
		{"both arm64", true, true, []string{"runtime", "nodejs"}},
		{"both amd64", false, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt, nj := al2023Runtime(t), node20Image(t)
			if tt.armRuntime {
				rt = configure(t, rt, arm)
			}
			if tt.armNodeJS {
				nj = configure(t, nj, arm)
			}
			m := newMatrix(t)
			refs := map[string]string{"runtime": m.image(rt), "nodejs": m.image(nj)}
			m.pair("p", refs["runtime"], refs["nodejs"])
			p := m.validate(ValidateOptions{}).Pairs[0]
			got := ruleFindings(p, RuleArchNotAMD64)
			if len(got) != len(tt.wantOnLines) {
				t.Fatalf("Validate(...) pair %q arch findings = %q, want %d", p.Pair.ID.V, messages(got), len(tt.wantOnLines))
			}
			for i, side := range tt.wantOnLines {
				line, col := m.posOf(refs[side])
				if got[i].Pos.Line != line || got[i].Pos.Col != col {
					t.Errorf("finding %q at %d:%d, want the %s reference at %d:%d", got[i].Message, got[i].Pos.Line, got[i].Pos.Col, side, line, col)
				}
				if !strings.Contains(got[i].Message, "linux/arm64/v8") || got[i].Severity != Error {
					t.Errorf("finding = %s %q, want an error naming linux/arm64/v8", got[i].Severity, got[i].Message)
				}
			}
			if want := len(tt.wantOnLines) == 0; (p.Verdict == Compatible) != want {
				t.Errorf("Validate(...) pair %q = %v, want compatible %v", p.Pair.ID.V, p.Verdict, want)
			}
		})
	}
}

// An image index without linux/amd64 cannot be read for the pair: the
// finding is on that image's line and lists the platforms the index has.
func TestArchIndexWithoutAMD64(t *testing.T) {
	s, _ := fixture.Lookup(fixture.IndexSpec)
	idx, err := fixture.ArmOnly(filepath.Join("..", "testdata", "fixtures"), s)
	if err != nil {
		t.Fatal(err)
	}
	m := newMatrix(t)
	lp, err := layout.Write(filepath.Join(m.dir, "index"), empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendIndex(idx, layout.WithAnnotations(map[string]string{fixture.RefNameAnnotation: layoutTag})); err != nil {
		t.Fatal(err)
	}
	runtime := m.image(al2023Runtime(t))
	m.pair("p", runtime, "oci:index:"+layoutTag)
	p := m.validate(ValidateOptions{}).Pairs[0]
	got := ruleFindings(p, RuleArchNotAMD64)
	if len(got) != 1 {
		t.Fatalf("Validate(...) pair %q findings = %v, want one %s", p.Pair.ID.V, p.Findings, RuleArchNotAMD64)
	}
	line, col := m.posOf("oci:index:")
	if got[0].Pos.Line != line || got[0].Pos.Col != col {
		t.Errorf("finding at %d:%d, want the nodejs reference at %d:%d", got[0].Pos.Line, got[0].Pos.Col, line, col)
	}
	for _, want := range []string{"linux/amd64", "linux/arm64/v8"} {
		if !strings.Contains(got[0].Message, want) {
			t.Errorf("finding %q, want it to name %s", got[0].Message, want)
		}
	}
	if p.Verdict != Incompatible || len(p.Findings) != 1 {
		t.Errorf("Validate(...) pair %q = %v with %v, want incompatible with the one finding", p.Pair.ID.V, p.Verdict, p.Findings)
	}
}

// When one image of a pair cannot be read, the other is still judged on
// its platform.
func TestArchWithTheOtherImageMissing(t *testing.T) {
	m := newMatrix(t)
	rt := m.image(configure(t, al2023Runtime(t), func(cf *v1.ConfigFile) { cf.Architecture, cf.Variant = "arm64", "v8" }))
	m.pair("p", rt, "oci:nowhere:"+layoutTag)
	p := m.validate(ValidateOptions{}).Pairs[0]
	if got := ruleFindings(p, RuleArchNotAMD64); len(got) != 1 {
		t.Errorf("Validate(...) pair %q arch findings = %q, want one for the arm64 runtime", p.Pair.ID.V, messages(got))
	}
	if got := ruleFindings(p, RuleImageNotFound); len(got) != 1 {
		t.Errorf("Validate(...) pair %q image-not-found findings = %q, want one for the missing Node.js image", p.Pair.ID.V, messages(got))
	}
}
