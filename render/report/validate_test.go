package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/matrix"
)

const (
	py312Runtime = "public.ecr.aws/sam/build-python3.12:1.143.0-20250822194415-x86_64"
	py312NodeJS  = "public.ecr.aws/sam/build-nodejs20.x:1.143.0-20250822194415-x86_64"
	py39Runtime  = "public.ecr.aws/sam/build-python3.9:1.143.0-20250822194415-x86_64"
	py39NodeJS   = "public.ecr.aws/sam/build-nodejs22.x:1.143.0-20250822194415-x86_64"
	skippedNote  = "serverless-engine: not checked (no way to ask npm was given)"
)

func pair(id string, line int, runtime, nodejs string) matrix.Pair {
	pos := func(col int) matrix.Pos { return matrix.Pos{File: "matrix.yaml", Line: line, Col: col} }
	return matrix.Pair{
		Pos:     pos(5),
		ID:      matrix.Value[string]{V: id},
		Runtime: matrix.Image{Value: matrix.Value[string]{V: runtime, Pos: pos(14), Set: true}},
		NodeJS:  matrix.Image{Value: matrix.Value[string]{V: nodejs, Pos: matrix.Pos{File: "matrix.yaml", Line: line + 1, Col: 14}, Set: true}},
	}
}

// testReport is a report as validate makes it for two pairs: python3.12 on
// Amazon Linux 2023 with nodejs20.x (compatible) and python3.9 on Amazon
// Linux 2 with nodejs22.x (incompatible).
func testReport() *matrix.Report {
	at := func(line, col int) matrix.Pos { return matrix.Pos{File: "matrix.yaml", Line: line, Col: col} }
	return &matrix.Report{
		File: "matrix.yaml",
		Pairs: []matrix.PairResult{
			{
				Pair:    pair("python3.12", 9, py312Runtime, py312NodeJS),
				Verdict: matrix.Compatible,
				Summary: matrix.Summary{
					RuntimeOS: "amzn 2023", NodeJSOS: "amzn 2023",
					RuntimeLibstdcxx: "6.0.29", NodeJSLibstdcxx: "6.0.29",
					NeedGLIBCXX: "3.4.21", HaveGLIBCXX: "3.4.29", NeedGLIBC: "2.28", HaveGLIBC: "2.34",
					NodeVersion: "v20.19.4",
				},
			},
			{
				Pair:    pair("python3.9", 12, py39Runtime, py39NodeJS),
				Verdict: matrix.Incompatible,
				Findings: []matrix.Finding{
					{
						Pos: at(12, 5), Rule: matrix.RuleABIVersionMissing, Severity: matrix.Error, Pair: "python3.9",
						Message: "node needs GLIBCXX_3.4.26 from libstdc++.so.6; /usr/lib64/libstdc++.so.6.0.24 defines up to GLIBCXX_3.4.24",
						Evidence: &matrix.Evidence{
							Image: py39Runtime, Path: "/usr/lib64/libstdc++.so.6.0.24",
							Layer: "sha256:4f7e1a0b2c3d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789ab", Expected: "GLIBCXX_3.4.26", Found: "GLIBCXX_3.4.24",
						},
					},
					{
						Pos: at(12, 5), Rule: matrix.RuleLibstdcxxMismatch, Severity: matrix.Error, Pair: "python3.9",
						Message:  "the runtime image has libstdc++.so.6.0.24, the Node.js image libstdc++.so.6.0.33",
						Evidence: &matrix.Evidence{Image: py39NodeJS, Path: "/usr/lib64/libstdc++.so.6.0.33", Expected: "6.0.24", Found: "6.0.33"},
					},
					{
						Pos: at(12, 5), Rule: matrix.RuleOSMismatch, Severity: matrix.Warning, Pair: "python3.9",
						Message: `the runtime image runs amzn 2, the Node.js image amzn 2023 | "Amazon Linux 2023"`,
					},
				},
				Summary: matrix.Summary{
					RuntimeOS: "amzn 2", NodeJSOS: "amzn 2023",
					RuntimeLibstdcxx: "6.0.24", NodeJSLibstdcxx: "6.0.33",
					NeedGLIBCXX: "3.4.26", HaveGLIBCXX: "3.4.24", NeedGLIBC: "2.28", HaveGLIBC: "2.26",
				},
			},
		},
		Skipped: []string{skippedNote},
	}
}

// emptyReport is the report of a matrix whose pairs have no findings and
// where every check ran.
func emptyReport() *matrix.Report {
	r := testReport()
	r.Pairs = r.Pairs[:1]
	r.Skipped = nil
	return r
}

func TestWriteValidateTable(t *testing.T) {
	for _, tt := range []struct {
		name       string
		report     *matrix.Report
		want, omit []string
	}{
		{
			name:   "two pairs",
			report: testReport(),
			want: []string{
				"PAIR", "VERDICT", "LIBSTDC++", "GLIBCXX",
				"python3.12 │ compatible", "amzn 2023 / amzn 2023", "6.0.29 / 6.0.29",
				"python3.9  │ incompatible", "amzn 2 / amzn 2023", "6.0.24 / 6.0.33", "3.4.26 / 3.4.24", "2.28 / 2.26",
				"\npython3.9: incompatible (2 errors, 1 warning)\n",
				"\n./matrix.yaml:12:5: node needs GLIBCXX_3.4.26 from libstdc++.so.6; /usr/lib64/libstdc++.so.6.0.24 defines up to GLIBCXX_3.4.24 [abi-version-missing]\n" +
					"    expected GLIBCXX_3.4.26; found GLIBCXX_3.4.24; image " + py39Runtime + "; path /usr/lib64/libstdc++.so.6.0.24; layer sha256:4f7e",
				"\n./matrix.yaml:12:5: the runtime image runs amzn 2, the Node.js image amzn 2023 | \"Amazon Linux 2023\" [os-mismatch]\n",
				"\nnote: " + skippedNote + "\n",
				"\n1 compatible, 1 incompatible\n",
			},
			omit: []string{"python3.12: compatible ("},
		},
		{
			name:   "unknown facts",
			report: &matrix.Report{Pairs: []matrix.PairResult{{Pair: pair("java21", 3, "a", "b"), Verdict: matrix.Compatible, Summary: matrix.Summary{RuntimeOS: "amzn 2023"}}}},
			want:   []string{"amzn 2023 / ?", "│ - ", "1 compatible, 0 incompatible\n"},
			omit:   []string{"note:"},
		},
		{
			name:   "no pairs",
			report: &matrix.Report{},
			want:   []string{"0 compatible, 0 incompatible\n"},
			omit:   []string{"PAIR"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteValidateTable(&b, tt.report); err != nil {
				t.Fatalf("WriteValidateTable(...) = %v, want nil", err)
			}
			got := b.String()
			for _, s := range tt.want {
				if !strings.Contains(got, s) {
					t.Errorf("WriteValidateTable(...) = \n%s\nwant it to contain %q", got, s)
				}
			}
			for _, s := range tt.omit {
				if strings.Contains(got, s) {
					t.Errorf("WriteValidateTable(...) = \n%s\nwant it not to contain %q", got, s)
				}
			}
		})
	}
}

func TestWriteValidateJSON(t *testing.T) {
	for _, tt := range []struct {
		name         string
		report       *matrix.Report
		wantFindings []int // number of findings per pair
		wantSkipped  int
	}{
		{"two pairs", testReport(), []int{0, 3}, 1},
		{"no findings, nothing skipped", emptyReport(), []int{0}, 0},
		{"no pairs", &matrix.Report{}, nil, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteValidateJSON(&b, tt.report); err != nil {
				t.Fatalf("WriteValidateJSON(...) = %v, want nil", err)
			}
			var doc map[string]any
			if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
				t.Fatalf("WriteValidateJSON(...) = %s, want JSON: %v", b.String(), err)
			}
			pairs, ok := doc["pairs"].([]any)
			if !ok || len(pairs) != len(tt.wantFindings) {
				t.Fatalf("WriteValidateJSON(...) pairs = %#v, want an array of %d", doc["pairs"], len(tt.wantFindings))
			}
			if skipped, ok := doc["skipped"].([]any); !ok || len(skipped) != tt.wantSkipped {
				t.Errorf("WriteValidateJSON(...) skipped = %#v, want an array of %d", doc["skipped"], tt.wantSkipped)
			}
			for i, p := range pairs {
				pj := p.(map[string]any)
				for _, k := range []string{"id", "runtime", "nodejs", "verdict", "findings", "summary"} {
					if _, ok := pj[k]; !ok {
						t.Errorf("WriteValidateJSON(...) pairs[%d] = %v, want key %q", i, pj, k)
					}
				}
				fs, ok := pj["findings"].([]any)
				if !ok || len(fs) != tt.wantFindings[i] {
					t.Errorf("WriteValidateJSON(...) pairs[%d].findings = %#v, want an array of %d", i, pj["findings"], tt.wantFindings[i])
				}
				for j, f := range fs {
					for _, k := range []string{"rule", "severity", "message", "file", "line", "column"} {
						if _, ok := f.(map[string]any)[k]; !ok {
							t.Errorf("WriteValidateJSON(...) pairs[%d].findings[%d] = %v, want key %q", i, j, f, k)
						}
					}
				}
				summary, _ := pj["summary"].(map[string]any)
				for _, k := range []string{"runtime_os", "nodejs_os", "runtime_libstdcxx", "nodejs_libstdcxx", "need_glibcxx", "have_glibcxx", "need_glibc", "have_glibc"} {
					if _, ok := summary[k]; !ok {
						t.Errorf("WriteValidateJSON(...) pairs[%d].summary = %v, want key %q", i, summary, k)
					}
				}
			}
		})
	}
}

func TestWriteValidateJSONValues(t *testing.T) {
	var b bytes.Buffer
	if err := WriteValidateJSON(&b, testReport()); err != nil {
		t.Fatalf("WriteValidateJSON(...) = %v, want nil", err)
	}
	var got ValidateJSON
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("WriteValidateJSON(...) = %s, want JSON: %v", b.String(), err)
	}
	p := got.Pairs[1]
	f := p.Findings[0]
	for _, c := range []struct{ name, got, want string }{
		{"runtime", p.Runtime, py39Runtime},
		{"nodejs", p.NodeJS, py39NodeJS},
		{"verdict", p.Verdict, "incompatible"},
		{"summary.have_glibcxx", p.Summary.HaveGLIBCXX, "3.4.24"},
		{"findings[0].rule", f.Rule, "abi-version-missing"},
		{"findings[0].evidence.found", f.Evidence.Found, "GLIBCXX_3.4.24"},
		{"skipped[0]", got.Skipped[0], skippedNote},
	} {
		if c.got != c.want {
			t.Errorf("WriteValidateJSON(...) pairs[1].%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if f.Line != 12 || f.Column != 5 || f.File != "matrix.yaml" {
		t.Errorf("WriteValidateJSON(...) position = %s:%d:%d, want matrix.yaml:12:5", f.File, f.Line, f.Column)
	}
	if got.Compatible != 1 || got.Incompatible != 1 {
		t.Errorf("WriteValidateJSON(...) counts = %d, %d, want 1, 1", got.Compatible, got.Incompatible)
	}
}

// Every validate format says what reading the images passed over: a scan
// warning is never seen only by inspect.
func TestWarningsInEveryFormat(t *testing.T) {
	r := testReport()
	const warning = `image "oci:demo/x": entry "../../etc/passwd" escapes the layer root; ignored`
	r.Warnings = []string{warning}
	for _, f := range ValidateFormats() {
		t.Run(string(f), func(t *testing.T) {
			write, err := ValidateWriter(f)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := write(&b, r, Options{Version: "test"}); err != nil {
				t.Fatalf("%s writer = %v", f, err)
			}
			out := b.String()
			if f == JSON || f == SARIF {
				// The warning is a JSON string there: compare it decoded.
				var v any
				if err := json.Unmarshal(b.Bytes(), &v); err != nil {
					t.Fatalf("%s output does not parse: %v", f, err)
				}
				enc, _ := json.Marshal(warning)
				if !strings.Contains(out, strings.Trim(string(enc), `"`)) {
					t.Errorf("%s output does not hold the warning %q:\n%s", f, warning, out)
				}
				return
			}
			for _, part := range []string{"oci:demo/x", "escapes the layer root"} {
				if !strings.Contains(out, part) {
					t.Errorf("%s output does not hold the warning's %q:\n%s", f, part, out)
				}
			}
		})
	}
}
