package matrix

import (
	"context"
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/reader"
)

// validateFile loads a matrix file, which must be valid, and validates it
// without the npm lookup.
func validateFile(t *testing.T, path string, edit func(*File)) *Report {
	t.Helper()
	f, fs, err := Load(path)
	if err != nil || HasSchemaErrors(fs) {
		t.Fatalf("Load(%q) = %v, %v", path, fs, err)
	}
	if edit != nil {
		edit(f)
	}
	in, err := reader.New(reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Validate(context.Background(), f, in, ValidateOptions{})
	if err != nil {
		t.Fatalf("Validate(%q): %v", path, err)
	}
	return r
}

func pairByID(t *testing.T, r *Report, id string) PairResult {
	t.Helper()
	for _, p := range r.Pairs {
		if p.Pair.ID.V == id {
			return p
		}
	}
	t.Fatalf("report has no pair %q", id)
	return PairResult{}
}

// errorRules returns the rule ids of a pair's error findings.
func errorRules(p PairResult) []string {
	var ids []string
	for _, f := range p.Findings {
		if f.Severity == Error {
			ids = append(ids, f.Rule)
		}
	}
	return ids
}

const demo = "../testdata/demo/matrix.yaml"

// The demo holds the seed's nine recommended pairs and four that break.
func TestValidateDemoRecommendedPairsAreCompatible(t *testing.T) {
	r := validateFile(t, demo, nil)
	for _, id := range []string{"nodejs18.x", "nodejs20.x", "nodejs22.x", "java17", "java21", "python3.11", "python3.12", "java8.al2", "ruby3.2"} {
		p := pairByID(t, r, id)
		if p.Verdict != Compatible {
			t.Errorf("pair %s: verdict %s with errors %v, want compatible", id, p.Verdict, errorRules(p))
		}
	}
}

func TestValidateDemoAL2RuntimeWithAL2023Node(t *testing.T) {
	r := validateFile(t, demo, nil)
	for _, id := range []string{"python3.11-nodejs20.x", "java17-nodejs22.x"} {
		p := pairByID(t, r, id)
		if p.Verdict != Incompatible {
			t.Fatalf("pair %s: verdict %s, want incompatible", id, p.Verdict)
		}
		var abi []Finding
		for _, f := range p.Findings {
			if f.Rule == RuleABIVersionMissing {
				abi = append(abi, f)
			}
		}
		text := ""
		for _, f := range abi {
			text += f.Message + "\n"
		}
		for _, want := range []string{
			"needs GLIBC_2.28 from libc.so.6; the runtime image's /usr/lib64/libc.so.6 defines up to GLIBC_2.26",
			"GLIBCXX_3.4.26", "the runtime image's /usr/lib64/libstdc++.so.6.0.24 defines up to GLIBCXX_3.4.24",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("pair %s: abi-version-missing findings\n%s\nwant one containing %q", id, text, want)
			}
		}
		for _, f := range abi {
			if f.Evidence == nil || f.Evidence.Layer == "" || !strings.HasPrefix(f.Evidence.Path, "/usr/lib64/") {
				t.Errorf("pair %s: finding %q has evidence %+v, want the runtime library's path and layer", id, f.Message, f.Evidence)
			}
			if f.Pos != p.Pair.Pos {
				t.Errorf("pair %s: finding at %v, want the pair's line %v", id, f.Pos, p.Pair.Pos)
			}
		}
	}
}

func TestValidateDemoAL2023RuntimeWithAL2Node(t *testing.T) {
	r := validateFile(t, demo, nil)
	p := pairByID(t, r, "python3.12-nodejs18.x")
	if got := errorRules(p); len(got) != 1 || got[0] != RuleLibstdcxxMismatch {
		t.Fatalf("python3.12 + nodejs18.x error rules = %v, want only %s (the ABI is satisfied)", got, RuleLibstdcxxMismatch)
	}
	r = validateFile(t, demo, func(f *File) {
		f.Policy[RuleLibstdcxxMismatch] = Value[Severity]{V: Warning, Set: true}
	})
	if p := pairByID(t, r, "python3.12-nodejs18.x"); p.Verdict != Compatible {
		t.Errorf("with libstdcxx-mismatch: warning, verdict %s (errors %v), want compatible", p.Verdict, errorRules(p))
	}
}

func TestValidateDemoNewerLibstdcxx(t *testing.T) {
	r := validateFile(t, demo, nil)
	p := pairByID(t, r, "python3.12-nodejs22.x-6.0.33")
	if got := errorRules(p); len(got) != 1 || got[0] != RuleLibstdcxxMismatch {
		t.Errorf("6.0.29 runtime + 6.0.33 node error rules = %v, want only %s", got, RuleLibstdcxxMismatch)
	}
	if p.Summary.RuntimeLibstdcxx != "6.0.29" || p.Summary.NodeJSLibstdcxx != "6.0.33" {
		t.Errorf("summary libstdc++ = %s / %s, want 6.0.29 / 6.0.33", p.Summary.RuntimeLibstdcxx, p.Summary.NodeJSLibstdcxx)
	}
}

func TestValidateDemoNodeReplacesPythonOpenSSL(t *testing.T) {
	r := validateFile(t, demo, nil)
	p := pairByID(t, r, "python3.12")
	var overwrites *Finding
	for i, f := range p.Findings {
		switch f.Rule {
		case RuleOverlayOverwrites:
			overwrites = &p.Findings[i]
		case RuleOverlayShadowsLibrary:
			// python's _ssl needs OPENSSL_3.0.0, which node's newer copy defines.
			t.Errorf("unexpected %s: %s", f.Rule, f.Message)
		}
	}
	if overwrites == nil || !strings.Contains(overwrites.Message, "/var/lang/lib/libssl.so.3") || overwrites.Severity != Warning {
		t.Fatalf("python3.12 + nodejs20.x overlay-overwrites = %+v, want a warning naming /var/lang/lib/libssl.so.3", overwrites)
	}
}

func TestValidateDemoSummary(t *testing.T) {
	r := validateFile(t, demo, nil)
	p := pairByID(t, r, "python3.11-nodejs20.x")
	want := Summary{RuntimeOS: "amzn 2", NodeJSOS: "amzn 2023", RuntimeLibstdcxx: "6.0.24", NodeJSLibstdcxx: "6.0.29",
		NeedGLIBCXX: "3.4.26", HaveGLIBCXX: "3.4.24", NeedGLIBC: "2.28", HaveGLIBC: "2.26", NodeVersion: "v20.18.1"}
	got := p.Summary
	got.RuntimeDigest, got.NodeJSDigest = "", ""
	if got != want {
		t.Errorf("summary = %+v, want %+v", got, want)
	}
	if len(r.Skipped) != 1 || !strings.Contains(r.Skipped[0], RuleServerlessEngine) {
		t.Errorf("Skipped = %v, want the serverless-engine check named as not run", r.Skipped)
	}
}
