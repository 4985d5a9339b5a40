package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/matrix"
)

// hostileRef is a reference that tries to recolour a terminal, end a line,
// break XML, open HTML and end a Markdown table cell or code span.
const hostileRef = "public.ecr.aws/sam/build-python3.12:\x1b[31mred\x00\r\n&<x>|`"

// hostile holds the other characters no output may pass on raw: backspace,
// DEL, NEL (U+0085), the line separator U+2028, a right-to-left override
// and a byte that is not UTF-8.
const hostile = "a\bb\x7fc\u0085d\u2028e\u202ef\xffg"

// hostileReport is a report whose every text field holds hostile text.
func hostileReport() *matrix.Report {
	file := "ci/\x1b]0;title\x07matrix.yaml"
	at := matrix.Pos{File: file, Line: 3, Col: 5}
	p := pair("py\x1b[2J"+hostile, 3, hostileRef, hostileRef+hostile)
	p.Pos = at
	return &matrix.Report{
		File: file,
		Pairs: []matrix.PairResult{{
			Pair:    p,
			Verdict: matrix.Incompatible,
			Findings: []matrix.Finding{
				{
					Pos: at, Rule: matrix.RuleABIVersionMissing, Severity: matrix.Error, Pair: p.ID.V,
					Message: "node in " + hostileRef + " needs " + hostile,
					Evidence: &matrix.Evidence{
						Image: hostileRef, Path: "/usr/lib64/\x1b[0m" + hostile, Layer: "sha256:\x00\r\n",
						Expected: "GLIBCXX_3.4.26\x1b[31m", Found: "<b>&amp;</b>|`" + hostile,
					},
				},
				{Pos: at, Rule: matrix.RuleOSMismatch, Severity: matrix.Warning, Pair: p.ID.V, Message: hostile + "\r\n" + hostileRef},
			},
			Summary: matrix.Summary{
				RuntimeOS: "amzn\x1b[31m 2|x", NodeJSOS: "<script>" + hostile,
				RuntimeLibstdcxx: "6.0.24\r\n", NodeJSLibstdcxx: "6.0.33\x00",
				NeedGLIBCXX: "3.4.26`", HaveGLIBCXX: hostile, NeedGLIBC: "&lt;", HaveGLIBC: "2.26\u2028",
			},
		}},
		Skipped:  []string{"serverless-engine: npm said \x1b[31m" + hostile + "\r\nnpm ERR!"},
		Warnings: []string{"image " + hostileRef + ": entry \"../\x1b[31m" + hostile + "\" escapes the layer root; ignored"},
	}
}

// hostileFacts are the facts of an image whose reference, os-release and
// warnings hold hostile text.
func hostileFacts() []*inspect.Facts {
	return []*inspect.Facts{{
		Ref: hostileRef, Digest: "sha256:\x00", Platform: "linux/amd64\r",
		OS:       &inspect.OSRelease{ID: "amzn", VersionID: "2\x1b[2J", PrettyName: hostile},
		Glibc:    &inspect.Glibc{Version: "2.26", Path: "/lib64/libc.so.6" + hostile},
		Warnings: []string{"reading " + hostileRef + ": " + hostile},
	}}
}

// checkPrintable fails when out holds a control character other than "\n"
// and "\t", a C1 control, a line or paragraph separator, a bidirectional
// override or invalid UTF-8, and when it does not show an escape of ESC.
func checkPrintable(t *testing.T, name string, out []byte) {
	t.Helper()
	if !utf8.Valid(out) {
		t.Errorf("%s = %q, want valid UTF-8", name, out)
	}
	for i, c := range out {
		if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			t.Errorf("%s has byte %#02x at %d, in %q; want no control character but \\n and \\t", name, c, i, out[max(0, i-20):min(len(out), i+20)])
			return
		}
	}
	for _, r := range []rune{'\u0085', '\u2028', '\u202e'} {
		if bytes.ContainsRune(out, r) {
			t.Errorf("%s holds %U; want it escaped", name, r)
		}
	}
	if !bytes.Contains(out, []byte(`\x1b`)) {
		t.Errorf("%s = %s\nwant ESC shown as \\x1b", name, out)
	}
}

func TestHostileTextFormats(t *testing.T) {
	r := hostileReport()
	findings := r.Findings()
	for _, tt := range []struct {
		name  string
		write func(*bytes.Buffer) error
		lines int // the lines the output must have, when it is one per item
		check func(t *testing.T, out []byte)
	}{
		{name: "lint text", write: func(b *bytes.Buffer) error { return WriteText(b, findings) }, lines: len(findings) + 1},
		{name: "lint table", write: func(b *bytes.Buffer) error { return WriteTable(b, findings) }, lines: 4 + len(findings) + 1},
		{name: "lint github", write: func(b *bytes.Buffer) error { return WriteGitHub(b, findings) }, lines: len(findings), check: checkWorkflowCommands},
		{name: "validate table", write: func(b *bytes.Buffer) error { return WriteValidateTable(b, r) }},
		{name: "validate github", write: func(b *bytes.Buffer) error { return WriteValidateGitHub(b, r) }, lines: len(findings) + len(r.Skipped) + len(r.Warnings), check: checkWorkflowCommands},
		{name: "validate markdown", write: func(b *bytes.Buffer) error { return WriteMarkdown(b, r) }, check: checkMarkdown},
		{name: "inspect table", write: func(b *bytes.Buffer) error { return WriteInspectTable(b, hostileFacts()) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.write(&b); err != nil {
				t.Fatalf("%s writer = %v, want nil", tt.name, err)
			}
			checkPrintable(t, tt.name, b.Bytes())
			if n := strings.Count(b.String(), "\n"); tt.lines > 0 && n != tt.lines {
				t.Errorf("%s writer wrote %d lines, want %d:\n%s", tt.name, n, tt.lines, b.String())
			}
			if tt.check != nil {
				tt.check(t, b.Bytes())
			}
		})
	}
}

// checkWorkflowCommands fails unless every line is one workflow command.
func checkWorkflowCommands(t *testing.T, out []byte) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		if !strings.HasPrefix(line, "::error ") && !strings.HasPrefix(line, "::warning ") && !strings.HasPrefix(line, "::notice ") {
			t.Errorf("workflow command line %q, want it to start with ::error, ::warning or ::notice", line)
		}
	}
}

// checkMarkdown fails when hostile text opens HTML or splits a table row
// into more cells than the header has. (In code spans, which Markdown does
// not read as HTML, "<x>" stays as it is.)
func checkMarkdown(t *testing.T, out []byte) {
	t.Helper()
	s := string(out)
	for _, raw := range []string{"<b>", "<script>", "&amp;</b>", "| &lt; /"} {
		if strings.Contains(s, raw) {
			t.Errorf("WriteMarkdown(...) holds %q raw, want it escaped:\n%s", raw, s)
		}
	}
	for _, escaped := range []string{"&amp;&lt;x&gt;\\|\\`", "&lt;script&gt;", "&amp;lt;", `\\x1b\[31m`} {
		if !strings.Contains(s, escaped) {
			t.Errorf("WriteMarkdown(...) = \n%s\nwant it to contain %q", s, escaped)
		}
	}
	rows := 0
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		rows++
		if n := strings.Count(line, "|") - strings.Count(line, `\|`); n != 7 {
			t.Errorf("WriteMarkdown(...) table row %q has %d cell borders, want 7", line, n)
		}
	}
	if rows != 2 {
		t.Errorf("WriteMarkdown(...) has %d table rows, want the header and one pair", rows)
	}
}

func TestHostileJUnit(t *testing.T) {
	r := hostileReport()
	var b bytes.Buffer
	if err := WriteJUnit(&b, r); err != nil {
		t.Fatalf("WriteJUnit(...) = %v, want nil", err)
	}
	checkPrintable(t, "WriteJUnit(...)", b.Bytes())
	var got JUnitSuites
	if err := xml.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("WriteJUnit(...) = %s, want XML 1.0: %v", b.String(), err)
	}
	if len(got.Suites) != 1 || len(got.Suites[0].Cases) != 1 || got.Suites[0].Cases[0].Failure == nil {
		t.Fatalf("WriteJUnit(...) = %+v, want one suite with one failing case", got)
	}
	c := got.Suites[0].Cases[0]
	for _, s := range []struct{ name, got, want string }{
		{"testcase name", c.Name, `py\x1b[2Ja\x08b\x7fc\u0085d\u2028e\u202ef\xffg`},
		{"failure message", c.Failure.Message, "node in public.ecr.aws/sam/build-python3.12:\\x1b[31mred\\x00\\r\\n&<x>|` needs "},
		{"failure text", c.Failure.Text, `path /usr/lib64/\x1b[0ma\x08b`},
		{"system-out", c.SystemOut.Text, "warning: "},
		{"suite system-out", got.Suites[0].SystemOut.Text, `skipped: serverless-engine: npm said \x1b[31m`},
	} {
		if !strings.Contains(s.got, s.want) {
			t.Errorf("WriteJUnit(...) %s = %q, want it to contain %q", s.name, s.got, s.want)
		}
	}
}

func TestHostileJSON(t *testing.T) {
	r := hostileReport()
	valid := strings.ToValidUTF8(hostile, "\uFFFD")
	for _, tt := range []struct {
		name  string
		write func(*bytes.Buffer) error
		// get reads from the decoded document the field that held hostile.
		get func(doc map[string]any) any
	}{
		{
			name:  "lint",
			write: func(b *bytes.Buffer) error { return WriteJSON(b, r.Findings()) },
			get:   func(doc map[string]any) any { return at(doc, "findings", 1, "message") },
		},
		{
			name:  "validate",
			write: func(b *bytes.Buffer) error { return WriteValidateJSON(b, r) },
			get:   func(doc map[string]any) any { return at(doc, "pairs", 0, "findings", 1, "message") },
		},
		{
			name:  "inspect",
			write: func(b *bytes.Buffer) error { return WriteInspectJSON(b, hostileFacts()) },
			get:   func(doc map[string]any) any { return at(doc, "images", 0, "os", "pretty_name") },
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.write(&b); err != nil {
				t.Fatalf("%s JSON writer = %v, want nil", tt.name, err)
			}
			if !utf8.Valid(b.Bytes()) {
				t.Errorf("%s JSON = %q, want valid UTF-8", tt.name, b.Bytes())
			}
			var doc map[string]any
			if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
				t.Fatalf("%s JSON = %s, want JSON: %v", tt.name, b.String(), err)
			}
			got, _ := tt.get(doc).(string)
			if !strings.HasPrefix(got, valid) {
				t.Errorf("%s JSON field = %q, want it to start with %q", tt.name, got, valid)
			}
		})
	}
}

func TestHostileSARIF(t *testing.T) {
	b, log := writeSARIF(t, hostileReport())
	if len(log.Runs) != 1 || len(log.Runs[0].Results) != 2 {
		t.Fatalf("WriteSARIF(...) = %s, want one run with 2 results", b.String())
	}
	res := log.Runs[0].Results[0]
	if want := "node in " + hostileRef + " needs "; !strings.HasPrefix(res.Message.Text, want) {
		t.Errorf("WriteSARIF(...) result 0 message = %q, want it to start with %q", res.Message.Text, want)
	}
	if uri := res.Locations[0].PhysicalLocation.ArtifactLocation.URI; strings.ContainsFunc(uri, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		t.Errorf("WriteSARIF(...) result 0 uri = %q, want control characters percent-encoded", uri)
	}
}

// at follows a path of keys and indices into a decoded JSON document; it
// returns nil where the path leads nowhere.
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}
