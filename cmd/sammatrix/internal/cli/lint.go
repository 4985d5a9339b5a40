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
		Use:   "lint [-f FILE] [-o text|table|json|github]",
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
	c.Flags().StringVarP(&o.output, "output", "o", string(report.Text), "output format: text, table, json or github")
	return c
}

func runLint(c *cobra.Command, o lintOptions) error {
	write, err := findingsWriter(o.output, c)
	if err != nil {
		return err
	}
	f, findings, err := loadMatrix(o.file)
	if err != nil {
		return err
	}
	findings = append(findings, matrix.Lint(f)...)
	matrix.SortFindings(findings)
	if err := write(findings); err != nil {
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

// findingsWriter returns the writer of one output format: people's formats
// go to stderr like a compiler's diagnostics, machines' to stdout.
func findingsWriter(format string, c *cobra.Command) (func([]matrix.Finding) error, error) {
	switch report.Format(format) {
	case report.Text:
		return func(fs []matrix.Finding) error { return report.WriteText(c.ErrOrStderr(), fs) }, nil
	case report.Table:
		return func(fs []matrix.Finding) error { return report.WriteTable(c.OutOrStdout(), fs) }, nil
	case report.JSON:
		return func(fs []matrix.Finding) error { return report.WriteJSON(c.OutOrStdout(), fs) }, nil
	case report.GitHub:
		return func(fs []matrix.Finding) error { return report.WriteGitHub(c.OutOrStdout(), fs) }, nil
	}
	return nil, usageError("unknown output format %q; want text, table, json or github", format)
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
