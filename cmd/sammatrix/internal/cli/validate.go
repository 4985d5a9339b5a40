package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/sammatrix/sammatrix/inspect/cache"
	"github.com/sammatrix/sammatrix/inspect/reader"
	"github.com/sammatrix/sammatrix/matrix"
	"github.com/sammatrix/sammatrix/render/report"
)

// DefaultNPM is the npm command the serverless-engine rule asks.
const DefaultNPM = "npm"

var _ matrix.Store = (*cache.Cache)(nil)

type validateOptions struct {
	imageFlags
	file   string
	output string
	npm    string
}

func newValidate() *cobra.Command {
	o := &validateOptions{}
	c := &cobra.Command{
		Use:   "validate [-f FILE] [-o " + report.ValidateFormats().Usage() + "]",
		Short: "Check every pair of matrix.yaml on its images",
		Long: `validate reads every image of matrix.yaml (each distinct layer once, in
parallel, cached on disk), simulates the built image of each pair (the
runtime image with the Node.js image's /var/lang and /opt copied on top) and
applies every rule: OS, libstdc++, the ELF symbol versions node needs from the
libraries the loader would find, what the copy overwrites or shadows, and the
Serverless Framework's engines.node (asked of npm).

Exit codes: 0 all pairs compatible, 1 a finding of error severity, 2 the file
is not a valid matrix.yaml, 3 an image could not be read (registry
unreachable, credentials refused, corrupt or truncated layer).`,
		Example: `  sammatrix validate
  sammatrix validate -f testdata/demo/matrix.yaml
  sammatrix validate -o github        # annotations and a step summary in GitHub Actions
  sammatrix validate -o sarif > sammatrix.sarif
  sammatrix validate --mirror public.ecr.aws=127.0.0.1:5000 --insecure-registry 127.0.0.1:5000`,
		Args: noArgs("-f"),
		RunE: func(c *cobra.Command, _ []string) error { return runValidate(c, o) },
	}
	o.register(c)
	c.Flags().StringVarP(&o.file, "file", "f", matrix.DefaultFile, "matrix file to validate")
	c.Flags().StringVarP(&o.output, "output", "o", string(report.ValidateFormats()[0]), "output format: "+report.ValidateFormats().String())
	registerNPM(c, &o.npm)
	return c
}

func runValidate(c *cobra.Command, o *validateOptions) error {
	write, err := report.ValidateWriter(report.Format(o.output))
	if err != nil {
		return usageError("%v", err)
	}
	f, err := loadValidMatrix(c, o.file)
	if err != nil {
		return err
	}
	setActivity(c, "validating %s of %s", plural(len(f.Pairs), "pair"), o.file)
	in, _, done, err := o.inspector(c)
	if err != nil {
		return err
	}
	r, err := matrix.Validate(c.Context(), f, in, matrix.ValidateOptions{Engines: engines(o.npm, in)})
	done()
	distinct := map[string]bool{}
	if f.Plugin.BaseImage.Set {
		distinct[f.Plugin.BaseImage.V] = true
	}
	for _, p := range f.Pairs {
		distinct[p.Runtime.V], distinct[p.NodeJS.V] = true, true
	}
	o.summarize(c, in, len(distinct))
	if err != nil {
		return failure(err)
	}
	if err := write(c.OutOrStdout(), r, report.Options{Version: moduleVersion()}); err != nil {
		return failure(fmt.Errorf("writing the report: %w", err))
	}
	if report.Format(o.output) == report.GitHub {
		// The summary is an extra: the verdict's exit code stands.
		if err := appendStepSummary(r); err != nil {
			fmt.Fprintf(c.ErrOrStderr(), "sammatrix: warning: %v\n", err)
		}
	}
	if _, bad := r.Counts(); bad > 0 {
		return silent(ExitFindings)
	}
	return nil
}

// engines asks npm for the Serverless Framework's engines.node with the
// npm command named. npm's answers go where the layers go, and nowhere when
// the inspector refused the cache directory.
func engines(npm string, in *reader.Inspector) matrix.EnginesFunc {
	var store matrix.Store
	if c := in.Cache(); c != nil {
		store = c
	}
	return matrix.NPMEngines(npm, store)
}

// registerNPM adds the --npm flag to a command that validates.
func registerNPM(c *cobra.Command, npm *string) {
	c.Flags().StringVar(npm, "npm", DefaultNPM, "npm command asked for the Serverless Framework's engines.node")
}

// appendStepSummary appends the Markdown report to the file GitHub Actions
// names in GITHUB_STEP_SUMMARY, when it is set.
func appendStepSummary(r *matrix.Report) error {
	path := os.Getenv("GITHUB_STEP_SUMMARY")
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("writing the step summary: %w", err)
	}
	werr := report.WriteMarkdown(f, r)
	if err := errors.Join(werr, f.Close()); err != nil {
		return fmt.Errorf("writing the step summary %q: %w", path, err)
	}
	return nil
}
