package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/sammatrix/sammatrix/matrix"
)

// JUnitSuiteName is the name of the one test suite WriteJUnit writes.
const JUnitSuiteName = "sammatrix validate"

// JUnitSuites is the JUnit XML document WriteJUnit writes, in the form that
// Jenkins, GitLab and most CI systems read.
type JUnitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []JUnitSuite `xml:"testsuite"`
}

// JUnitSuite is a test suite: the pairs of one matrix file.
type JUnitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []JUnitCase `xml:"testcase"`
	// SystemOut lists the checks that did not run.
	SystemOut *JUnitOutput `xml:"system-out,omitempty"`
}

// JUnitCase is one test case: a pair.
type JUnitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *JUnitFailure `xml:"failure,omitempty"`
	SystemOut *JUnitOutput  `xml:"system-out,omitempty"`
}

// JUnitOutput is the standard output of a test case: its warnings and notes.
type JUnitOutput struct {
	Text string `xml:",cdata"`
}

// JUnitFailure marks an incompatible pair; its text lists every error finding.
type JUnitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// toJUnit converts a report to JUnit form: one test case per pair, named by
// the pair id, whose failure lists the error findings and whose standard
// output lists the other findings. The checks that did not run are listed
// in the suite's standard output: a test case is a pair, nothing else.
// Every text goes through printable: XML 1.0 allows almost no control
// character, not even in CDATA.
func toJUnit(r *matrix.Report) JUnitSuites {
	class := printable(relativeFile(r.File))
	if class == "" {
		class = "matrix.yaml"
	}
	suite := JUnitSuite{Name: JUnitSuiteName}
	for _, p := range r.Pairs {
		c := JUnitCase{Classname: class, Name: printable(p.Pair.ID.V)}
		var errs, others strings.Builder
		var first *matrix.Finding
		nerr := 0
		for i, f := range p.Findings {
			sb := &others
			if f.Severity == matrix.Error {
				sb = &errs
				nerr++
				if first == nil {
					first = &p.Findings[i]
				}
			} else {
				fmt.Fprintf(sb, "%s: ", f.Severity)
			}
			sb.WriteString(printable(f.String()) + "\n")
			if e := evidenceText(f.Evidence); e != "" {
				fmt.Fprintf(sb, "    %s\n", printable(e))
			}
		}
		if p.Verdict != matrix.Compatible {
			fail := &JUnitFailure{Message: printable(p.Verdict), Type: printable(p.Verdict), Text: errs.String()}
			if first != nil {
				fail.Message, fail.Type = printable(first.Message), printable(first.Rule)
				if nerr > 1 {
					fail.Message += fmt.Sprintf(" (and %d more)", nerr-1)
				}
			}
			c.Failure = fail
			suite.Failures++
		}
		if others.Len() > 0 {
			c.SystemOut = &JUnitOutput{Text: others.String()}
		}
		suite.Cases = append(suite.Cases, c)
	}
	if len(r.Skipped)+len(r.Warnings) > 0 {
		var out strings.Builder
		for _, s := range r.Skipped {
			out.WriteString("skipped: " + printable(s) + "\n")
		}
		for _, w := range r.Warnings {
			out.WriteString("warning: " + printable(w) + "\n")
		}
		suite.SystemOut = &JUnitOutput{Text: out.String()}
	}
	suite.Tests = len(suite.Cases)
	return JUnitSuites{
		Name: JUnitSuiteName, Tests: suite.Tests, Failures: suite.Failures, Skipped: suite.Skipped,
		Suites: []JUnitSuite{suite},
	}
}

// WriteJUnit writes the result of validate as a JUnit XML report, described
// at toJUnit.
func WriteJUnit(w io.Writer, r *matrix.Report) error {
	return writeOnce(w, "JUnit XML", func(b *bytes.Buffer) error {
		b.WriteString(xml.Header)
		enc := xml.NewEncoder(b)
		enc.Indent("", "  ")
		if err := enc.Encode(toJUnit(r)); err != nil {
			return fmt.Errorf("encoding JUnit XML: %w", err)
		}
		b.WriteByte('\n')
		return nil
	})
}
