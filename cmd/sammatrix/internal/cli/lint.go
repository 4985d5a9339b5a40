package cli

import (
	"errors"
	"io/fs"

	"github.com/spf13/cobra"

	"github.com/sammatrix/sammatrix/matrix"
	"github.com/sammatrix/sammatrix/render/report"
)

type lintOptions struct {
	file   string
	output string
}

func newLint() *cobra.Command {
	o := lintOptions{}
	c := &cobra.Command{
		Use:   "lint [-f FILE] [-o " + report.LintFormats().Usage() + "]",
		Short: "Check matrix.yaml without reading any image",
		Long: `lint checks matrix.yaml alone: its syntax, keys and types, the pairs and their
ids, the policy, and the rules that need no image (ref-not-official,
ref-incomplete). Every problem is reported in one run, sorted by position.

Exit codes: 0 clean, 1 rule findings of error severity, 2 the file is
unreadable or not a valid matrix.yaml.`,
		Example: `  sammatrix lint
  sammatrix lint -f testdata/demo/matrix.yaml
  sammatrix lint -o github      # annotations in a GitHub pull request`,
		Args: noArgs("-f"),
		RunE: func(c *cobra.Command, _ []string) error { return runLint(c, o) },
	}
	c.Flags().StringVarP(&o.file, "file", "f", matrix.DefaultFile, "matrix file to check")
	c.Flags().StringVarP(&o.output, "output", "o", string(report.LintFormats()[0]), "output format: "+report.LintFormats().String())
	return c
}

func runLint(c *cobra.Command, o lintOptions) error {
	write, err := report.LintWriter(report.Format(o.output))
	if err != nil {
		return usageError("%v", err)
	}
	// People's format goes to stderr like a compiler's diagnostics,
	// machines' to stdout.
	out := c.OutOrStdout()
	if report.Format(o.output) == report.Text {
		out = c.ErrOrStderr()
	}
	f, findings, err := loadMatrix(o.file)
	if err != nil {
		return err
	}
	findings = append(findings, matrix.Lint(f)...)
	matrix.SortFindings(findings)
	if err := write(out, findings, report.Options{}); err != nil {
		return failure(err)
	}
	switch {
	case matrix.HasSchemaErrors(findings):
		return silent(ExitUsage)
	case matrix.HasErrors(findings):
		return silent(ExitFindings)
	}
	return nil
}

// loadMatrix reads and parses a matrix file; a file that cannot be read is
// a usage error (exit code 2).
func loadMatrix(file string) (*matrix.File, []matrix.Finding, error) {
	f, findings, err := matrix.Load(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, usageError("%v (use -f to name another file)", err)
		}
		return nil, nil, usageError("%v", err)
	}
	return f, findings, nil
}

// loadValidMatrix loads a matrix file for a command that reads its images:
// the file's own problems are printed and stop the command (exit 2)
// before any image is read.
func loadValidMatrix(c *cobra.Command, file string) (*matrix.File, error) {
	f, problems, err := loadMatrix(file)
	if err != nil {
		return nil, err
	}
	if matrix.HasSchemaErrors(problems) {
		if err := report.WriteText(c.ErrOrStderr(), problems); err != nil {
			return nil, failure(err)
		}
		return nil, silent(ExitUsage)
	}
	return f, nil
}
