package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/matrix"
	"github.com/sammatrix/sammatrix/matrix/plan"
)

// Format is an output format.
type Format string

// The output formats. Each kind of output has some of them: see
// LintFormats, ValidateFormats, InspectFormats, PlanFormats and
// UpgradeFormats.
const (
	Text     Format = "text"
	Table    Format = "table"
	JSON     Format = "json"
	GitHub   Format = "github"
	JUnit    Format = "junit"
	Markdown Format = "markdown"
	SARIF    Format = "sarif"
	HTML     Format = "html"
)

// Options are what a writer needs besides what it writes.
type Options struct {
	// Version is the version of sammatrix, which SARIF names.
	Version string
}

// Writer writes one kind of output, v, to w in one format.
type Writer[T any] func(w io.Writer, v T, o Options) error

// Formats lists output formats, the default first.
type Formats []Format

// String lists the formats for people: "table, json or github".
func (fs Formats) String() string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = string(f)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Usage lists the formats as a usage line does: "table|json|github".
func (fs Formats) Usage() string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = string(f)
	}
	return strings.Join(names, "|")
}

// formatTable is the table of the writers of one kind of output, the
// default format first.
type formatTable[T any] []struct {
	format Format
	write  Writer[T]
}

func (t formatTable[T]) formats() Formats {
	fs := make(Formats, len(t))
	for i, e := range t {
		fs[i] = e.format
	}
	return fs
}

func (t formatTable[T]) writer(f Format) (Writer[T], error) {
	for _, e := range t {
		if e.format == f {
			return e.write, nil
		}
	}
	return nil, fmt.Errorf("unknown output format %q; want %s", f, t.formats())
}

// lintWriters are the formats of lint's findings.
var lintWriters = formatTable[[]matrix.Finding]{
	{Text, plain(WriteText)},
	{Table, plain(WriteTable)},
	{JSON, plain(WriteJSON)},
	{GitHub, plain(WriteGitHub)},
}

// validateWriters are the formats of validate's report.
var validateWriters = formatTable[*matrix.Report]{
	{Table, plain(WriteValidateTable)},
	{JSON, plain(WriteValidateJSON)},
	{GitHub, plain(WriteValidateGitHub)},
	{JUnit, plain(WriteJUnit)},
	{Markdown, plain(WriteMarkdown)},
	{SARIF, func(w io.Writer, r *matrix.Report, o Options) error { return WriteSARIF(w, r, o.Version) }},
}

// inspectWriters are the formats of inspect's facts.
var inspectWriters = formatTable[[]*inspect.Facts]{
	{Table, plain(WriteInspectTable)},
	{JSON, plain(WriteInspectJSON)},
}

// planWriters are the formats of plan's grid.
var planWriters = formatTable[*plan.Grid]{
	{Table, plain(WritePlanTable)},
	{Markdown, plain(WritePlanMarkdown)},
	{JSON, plain(WritePlanJSON)},
	{HTML, plain(WritePlanHTML)},
}

// upgradeWriters are the formats of plan --upgrade.
var upgradeWriters = formatTable[*plan.Upgrades]{
	{Table, plain(WriteUpgradeTable)},
	{Markdown, plain(WriteUpgradeMarkdown)},
	{JSON, plain(WriteUpgradeJSON)},
}

// PlanFormats lists the formats of plan's grid, the default first.
func PlanFormats() Formats { return planWriters.formats() }

// PlanWriter returns the writer of a plan's grid in format f, or an error
// that lists the formats there are.
func PlanWriter(f Format) (Writer[*plan.Grid], error) { return planWriters.writer(f) }

// UpgradeFormats lists the formats of plan --upgrade, the default first.
func UpgradeFormats() Formats { return upgradeWriters.formats() }

// UpgradeWriter returns the writer of upgrades in format f, or an error
// that lists the formats there are.
func UpgradeWriter(f Format) (Writer[*plan.Upgrades], error) { return upgradeWriters.writer(f) }

// LintFormats lists the formats of lint's findings, the default first.
func LintFormats() Formats { return lintWriters.formats() }

// ValidateFormats lists the formats of validate's report, the default first.
func ValidateFormats() Formats { return validateWriters.formats() }

// InspectFormats lists the formats of inspect's facts, the default first.
func InspectFormats() Formats { return inspectWriters.formats() }

// LintWriter returns the writer of findings in format f, or an error that
// lists the formats there are.
func LintWriter(f Format) (Writer[[]matrix.Finding], error) { return lintWriters.writer(f) }

// ValidateWriter returns the writer of a validate report in format f, or an
// error that lists the formats there are.
func ValidateWriter(f Format) (Writer[*matrix.Report], error) { return validateWriters.writer(f) }

// InspectWriter returns the writer of images' facts in format f, or an
// error that lists the formats there are.
func InspectWriter(f Format) (Writer[[]*inspect.Facts], error) { return inspectWriters.writer(f) }

// plain makes a writer that needs no options a Writer.
func plain[T any](write func(io.Writer, T) error) Writer[T] {
	return func(w io.Writer, v T, _ Options) error { return write(w, v) }
}

// writeOnce renders an output into memory and writes it to w in one call,
// so that an output that fails half way writes nothing. what names the
// output in the error.
func writeOnce(w io.Writer, what string, render func(b *bytes.Buffer) error) error {
	var b bytes.Buffer
	if err := render(&b); err != nil {
		return err
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("writing %s: %w", what, err)
	}
	return nil
}
