package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/matrix"
)

func TestWriteJUnit(t *testing.T) {
	for _, tt := range []struct {
		name                           string
		report                         *matrix.Report
		wantTests, wantFail, wantSkip  int
		wantCases                      []string
		wantFailType, wantFailMessage  string
		wantFailText, wantOut, notFail []string
	}{
		{
			name: "two pairs", report: testReport(),
			wantTests: 2, wantFail: 1, wantSkip: 0,
			wantCases:       []string{"python3.12", "python3.9"},
			wantFailType:    "abi-version-missing",
			wantFailMessage: "node needs GLIBCXX_3.4.26 from libstdc++.so.6; /usr/lib64/libstdc++.so.6.0.24 defines up to GLIBCXX_3.4.24 (and 1 more)",
			wantFailText: []string{
				"./matrix.yaml:12:5: node needs GLIBCXX_3.4.26 from libstdc++.so.6; /usr/lib64/libstdc++.so.6.0.24 defines up to GLIBCXX_3.4.24 [abi-version-missing]\n",
				"./matrix.yaml:12:5: the runtime image has libstdc++.so.6.0.24, the Node.js image libstdc++.so.6.0.33 [libstdcxx-mismatch]\n",
				"    expected 6.0.24; found 6.0.33; image " + py39NodeJS,
			},
			notFail: []string{"[os-mismatch]"},
			wantOut: []string{`warning: ./matrix.yaml:12:5: the runtime image runs amzn 2, the Node.js image amzn 2023 | "Amazon Linux 2023" [os-mismatch]`},
		},
		{
			name: "all compatible", report: emptyReport(),
			wantTests: 1, wantCases: []string{"python3.12"},
		},
		{
			name: "no pairs", report: &matrix.Report{File: "matrix.yaml"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteJUnit(&b, tt.report); err != nil {
				t.Fatalf("WriteJUnit(...) = %v, want nil", err)
			}
			var got JUnitSuites
			if err := xml.Unmarshal(b.Bytes(), &got); err != nil {
				t.Fatalf("WriteJUnit(...) = %s, want XML: %v", b.String(), err)
			}
			if len(got.Suites) != 1 {
				t.Fatalf("WriteJUnit(...) has %d test suites, want 1", len(got.Suites))
			}
			s := got.Suites[0]
			if s.Name != JUnitSuiteName || s.Tests != tt.wantTests || s.Failures != tt.wantFail || s.Skipped != tt.wantSkip || s.Errors != 0 {
				t.Errorf("WriteJUnit(...) testsuite = %q tests=%d failures=%d skipped=%d errors=%d, want %q tests=%d failures=%d skipped=%d errors=0",
					s.Name, s.Tests, s.Failures, s.Skipped, s.Errors, JUnitSuiteName, tt.wantTests, tt.wantFail, tt.wantSkip)
			}
			if got.Tests != s.Tests || got.Failures != s.Failures || got.Skipped != s.Skipped {
				t.Errorf("WriteJUnit(...) testsuites counts = %d/%d/%d, want the suite's %d/%d/%d", got.Tests, got.Failures, got.Skipped, s.Tests, s.Failures, s.Skipped)
			}
			var names []string
			var failure *JUnitFailure
			var out string
			for _, c := range s.Cases {
				names = append(names, c.Name)
				if c.Classname != "matrix.yaml" {
					t.Errorf("WriteJUnit(...) testcase %q classname = %q, want %q", c.Name, c.Classname, "matrix.yaml")
				}
				if c.Failure != nil {
					failure = c.Failure
				}
				if c.SystemOut != nil {
					out += c.SystemOut.Text
				}
			}
			if strings.Join(names, "\n") != strings.Join(tt.wantCases, "\n") {
				t.Errorf("WriteJUnit(...) testcases = %q, want %q", names, tt.wantCases)
			}
			if tt.wantFail == 0 {
				if failure != nil {
					t.Errorf("WriteJUnit(...) failure = %+v, want none", failure)
				}
				return
			}
			if failure == nil {
				t.Fatalf("WriteJUnit(...) has no failure, want one of type %q", tt.wantFailType)
			}
			if failure.Type != tt.wantFailType || failure.Message != tt.wantFailMessage {
				t.Errorf("WriteJUnit(...) failure type, message = %q, %q, want %q, %q", failure.Type, failure.Message, tt.wantFailType, tt.wantFailMessage)
			}
			for _, w := range tt.wantFailText {
				if !strings.Contains(failure.Text, w) {
					t.Errorf("WriteJUnit(...) failure text = %q, want it to contain %q", failure.Text, w)
				}
			}
			for _, w := range tt.notFail {
				if strings.Contains(failure.Text, w) {
					t.Errorf("WriteJUnit(...) failure text = %q, want it not to contain %q", failure.Text, w)
				}
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("WriteJUnit(...) system-out = %q, want it to contain %q", out, w)
				}
			}
		})
	}
}

// TestWriteJUnitAsConsumersRead reads the output as Jenkins and GitLab do,
// without the writer's types: element by element, by name, recounting the
// test cases, failures and skips that the counts announce.
func TestWriteJUnitAsConsumersRead(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJUnit(&b, testReport()); err != nil {
		t.Fatalf("WriteJUnit(...) = %v, want nil", err)
	}
	var (
		suite              map[string]string
		cases              []map[string]string
		failures, skips    int
		failureTypes, path []string
	)
	raw := b.String()
	d := xml.NewDecoder(&b)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("WriteJUnit(...) is not well-formed XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			attrs := map[string]string{}
			for _, a := range el.Attr {
				attrs[a.Name.Local] = a.Value
			}
			parent := ""
			if len(path) > 0 {
				parent = path[len(path)-1]
			}
			switch {
			case el.Name.Local == "testsuite" && parent == "testsuites":
				suite = attrs
			case el.Name.Local == "testcase" && parent == "testsuite":
				cases = append(cases, attrs)
			case el.Name.Local == "failure" && parent == "testcase":
				failures++
				failureTypes = append(failureTypes, attrs["type"])
			case el.Name.Local == "skipped" && parent == "testcase":
				skips++
			}
			path = append(path, el.Name.Local)
		case xml.EndElement:
			path = path[:len(path)-1]
		}
	}
	if suite == nil {
		t.Fatalf("WriteJUnit(...) has no <testsuite> in <testsuites>")
	}
	for _, c := range []struct{ attr, want string }{
		{"name", "sammatrix validate"}, {"tests", "2"}, {"failures", "1"}, {"errors", "0"}, {"skipped", "0"},
	} {
		if suite[c.attr] != c.want {
			t.Errorf("WriteJUnit(...) <testsuite %s=%q>, want %q", c.attr, suite[c.attr], c.want)
		}
	}
	// One test case per pair; the check that did not run is in the suite's output.
	if len(cases) != 2 || failures != 1 || skips != 0 {
		t.Errorf("WriteJUnit(...) has %d testcases, %d failures, %d skipped, want 2, 1, 0", len(cases), failures, skips)
	}
	if !strings.Contains(raw, "skipped: "+skippedNote) {
		t.Errorf("WriteJUnit(...) does not name the skipped check %q", skippedNote)
	}
	for i, c := range cases {
		if c["classname"] != "matrix.yaml" || c["name"] == "" {
			t.Errorf("WriteJUnit(...) testcase %d = %v, want classname matrix.yaml and a name", i, c)
		}
	}
	if len(cases) > 1 && cases[1]["name"] != "python3.9" {
		t.Errorf("WriteJUnit(...) testcase 1 name = %q, want python3.9", cases[1]["name"])
	}
	if len(failureTypes) != 1 || failureTypes[0] != "abi-version-missing" {
		t.Errorf("WriteJUnit(...) failure types = %q, want [abi-version-missing]", failureTypes)
	}
}
