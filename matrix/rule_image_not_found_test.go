package matrix

import (
	"strings"
	"testing"
)

// A reference that does not resolve is a finding on its value, and the
// other pairs are judged all the same.
func TestImageNotFound(t *testing.T) {
	m := newMatrix(t)
	runtime, nodejs := m.image(al2023Runtime(t)), m.image(node20Image(t))
	unknown := strings.TrimSuffix(nodejs, layoutTag) + "1.120.0-20990101000000-x86_64"
	m.pair("missing-tag", runtime, unknown)
	m.pair("missing-dir", "oci:no-such-dir:"+layoutTag, nodejs)
	m.pair("good", runtime, nodejs)
	m.pair("bad", runtime, m.image(buildImage(t, amazonLinux(t, "al2"), nodeFiles(t, "node18"))))
	r := m.validate(ValidateOptions{})
	for _, tt := range []struct {
		id, ref string
	}{{"missing-tag", unknown}, {"missing-dir", "oci:no-such-dir:" + layoutTag}} {
		p := pairByID(t, r, tt.id)
		got := ruleFindings(p, RuleImageNotFound)
		if len(got) != 1 || len(p.Findings) != 1 {
			t.Fatalf("Validate(...) pair %q findings = %v, want one %s", tt.id, p.Findings, RuleImageNotFound)
		}
		line, col := m.posOf(tt.ref)
		if got[0].Pos.Line != line || got[0].Pos.Col != col || got[0].Pos.File != m.write() {
			t.Errorf("pair %q: finding at %v, want %d:%d of the matrix", tt.id, got[0].Pos, line, col)
		}
		if !strings.Contains(got[0].Message, tt.ref) || p.Verdict != Incompatible {
			t.Errorf("Validate(...) pair %q = %v, %q, want incompatible naming %q", tt.id, p.Verdict, got[0].Message, tt.ref)
		}
	}
	if p := pairByID(t, r, "good"); p.Verdict != Compatible {
		t.Errorf("Validate(...) pair %q = %v (%v), want %v", "good", p.Verdict, p.Findings, Compatible)
	}
	if p := pairByID(t, r, "bad"); len(ruleFindings(p, RuleLibstdcxxMismatch)) != 1 {
		t.Errorf("Validate(...) pair %q findings = %v, want a %s", "bad", p.Findings, RuleLibstdcxxMismatch)
	}
}
