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

func TestNotNodeJSImage(t *testing.T) {
	al2023 := func(t *testing.T) []fixture.File { return amazonLinux(t, "al2023") }
	tests := []struct {
		name   string
		nodejs func(t *testing.T) v1.Image
		want   []string // parts of the one finding's message
	}{
		{"no node", func(t *testing.T) v1.Image {
			// /var/lang exists, with OpenSSL, but no node.
			return buildImage(t, al2023(t), []fixture.File{elfFile(t, "node20/libssl.so.3", "var/lang/lib/libssl.so.3")})
		}, []string{"has no /var/lang/bin/node", "not a Node.js image"}},
		{"no /opt", func(t *testing.T) v1.Image {
			return buildImage(t, without(al2023(t), "opt"), nodeFiles(t, "node20", "libssl.so.3", "libcrypto.so.3"))
		}, []string{"has no /opt", "COPY --from=nodejs of it would fail"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMatrix(t)
			nodejs := m.image(tt.nodejs(t))
			m.pair("p", m.image(al2023Runtime(t)), nodejs)
			p := m.validate(ValidateOptions{}).Pairs[0]
			got := ruleFindings(p, RuleNotNodeJSImage)
			if len(got) != 1 {
				t.Fatalf("Validate(...) pair %q %s findings = %q, want one", p.Pair.ID.V, RuleNotNodeJSImage, messages(got))
			}
			for _, want := range tt.want {
				if !strings.Contains(got[0].Message, want) {
					t.Errorf("finding %q, want it to contain %q", got[0].Message, want)
				}
			}
			if line, col := m.posOf(nodejs); got[0].Pos.Line != line || got[0].Pos.Col != col {
				t.Errorf("finding at %d:%d, want the nodejs reference at %d:%d", got[0].Pos.Line, got[0].Pos.Col, line, col)
			}
			if p.Verdict != Incompatible {
				t.Errorf("Validate(...) pair %q = %v, want %v", p.Pair.ID.V, p.Verdict, Incompatible)
			}
		})
	}
}

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

// A pair of an image with itself loads only the runtime's libraries: the
// messages must not call them the Node.js image's.
func TestSelfPairNamesTheRuntimeImage(t *testing.T) {
	rt := buildImage(t, amazonLinux(t, "al2"), nodeFiles(t, "node20"))
	p := validatePair(t, rt, rt)
	got := ruleFindings(p, RuleABIVersionMissing)
	if len(got) == 0 {
		t.Fatalf("Validate(...) AL2 image with node20 in it: no abi-version-missing, want some")
	}
	for _, f := range got {
		if strings.Contains(f.Message, "Node.js image's /usr/lib64") {
			t.Errorf("finding %q calls a runtime library the Node.js image's", f.Message)
		}
	}
}
