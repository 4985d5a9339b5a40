package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/sammatrix/sammatrix/matrix"
)

// SARIFInformationURI is the informationUri of the tool in SARIF output.
const SARIFInformationURI = "https://github.com/sammatrix/sammatrix"

// schemaRuleSummary describes the rule entry of a finding whose rule is not
// one of matrix.Rules: a problem of matrix.yaml itself.
const schemaRuleSummary = "matrix.yaml is not valid"

// toSARIF converts a report to a SARIF 2.1.0 log with one run: every rule of
// matrix.Rules as a rule of the driver, and every finding as a result at its
// position in the matrix file. A finding whose rule is not in matrix.Rules
// gets a rule entry of its own after them. The run has one invocation, whose
// tool execution notifications name the checks that did not run.
func toSARIF(r *matrix.Report, version string) *sarif.Report {
	run := sarif.NewRunWithInformationURI("sammatrix", SARIFInformationURI)
	if version != "" {
		run.Tool.Driver.WithVersion(version)
	}
	for _, rule := range matrix.Rules {
		run.AddRule(rule.ID).
			WithShortDescription(sarif.NewMultiformatMessageString().WithText(rule.Summary)).
			WithFullDescription(sarif.NewMultiformatMessageString().WithText(sentence(rule.Summary) + " " + rule.Help)).
			WithHelp(sarif.NewMultiformatMessageString().WithText(rule.Help)).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(rule.Default)))
	}
	for _, f := range r.Findings() {
		if run.GetRuleIndex(f.Rule) < 0 {
			run.AddRule(f.Rule).
				WithShortDescription(sarif.NewMultiformatMessageString().WithText(schemaRuleSummary)).
				WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(f.Severity)))
		}
		res := run.CreateResultForRule(f.Rule).
			WithLevel(sarifLevel(f.Severity)).
			WithMessage(sarif.NewTextMessage(f.Message))
		loc := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(sarifURI(f.Pos.File)))
		if f.Pos.Line > 0 {
			region := sarif.NewRegion().WithStartLine(f.Pos.Line)
			if f.Pos.Col > 0 {
				region.WithStartColumn(f.Pos.Col)
			}
			loc.WithRegion(region)
		}
		res.AddLocation(sarif.NewLocationWithPhysicalLocation(loc))
		if f.Pair != "" || f.Evidence != nil {
			props := sarif.NewPropertyBag()
			if f.Pair != "" {
				props.Add("pair", f.Pair)
			}
			if f.Evidence != nil {
				props.Add("evidence", f.Evidence)
			}
			res.WithProperties(props)
		}
	}
	run.AddInvocation(skippedInvocation(run, r.Skipped, r.Warnings))
	return sarif.NewReport().AddRun(run)
}

// skippedInvocation describes the run of sammatrix: it succeeded, and each
// check that did not run is a warning notification (its results may be
// missing), associated with the check's rule when the note starts with a
// rule id ("serverless-engine: …").
func skippedInvocation(run *sarif.Run, skipped, warnings []string) *sarif.Invocation {
	inv := sarif.NewInvocation().WithExecutionSuccessful(true)
	for _, s := range skipped {
		n := sarif.NewNotification().WithLevel(sarif.LevelWarning).WithMessage(sarif.NewTextMessage(s))
		if id, _, ok := strings.Cut(s, ":"); ok {
			if i := run.GetRuleIndex(id); i >= 0 {
				n.WithAssociatedRule(sarif.NewReportingDescriptorReference().WithID(id).WithIndex(i))
			}
		}
		inv.AddToolExecutionNotification(n)
	}
	for _, w := range warnings {
		inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel(sarif.LevelWarning).WithMessage(sarif.NewTextMessage(w)))
	}
	return inv
}

// WriteSARIF writes the result of validate as a SARIF 2.1.0 log, described
// at toSARIF; version is the version of sammatrix.
func WriteSARIF(w io.Writer, r *matrix.Report, version string) error {
	return writeOnce(w, "SARIF", func(b *bytes.Buffer) error {
		// The library's PrettyWrite escapes <, > and & as \u003c…, which is
		// valid but hard to read in rule texts such as "<sam-cli>".
		enc := json.NewEncoder(b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(toSARIF(r, version)); err != nil {
			return fmt.Errorf("encoding SARIF: %w", err)
		}
		return nil
	})
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s matrix.Severity) string {
	switch s {
	case matrix.Error:
		return sarif.LevelError
	case matrix.Warning:
		return sarif.LevelWarning
	case matrix.Off:
		return sarif.LevelNone
	default:
		return sarif.LevelNote
	}
}

// sarifURI returns the artifact URI of a matrix file: a relative reference,
// slash separated and without "./", or a file URI for an absolute path.
func sarifURI(file string) string {
	if filepath.IsAbs(file) {
		p := filepath.ToSlash(file)
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // a Windows drive letter
		}
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: relativeFile(file)}).String()
}

// sentence ends s with a full stop.
func sentence(s string) string {
	if s == "" || strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}
