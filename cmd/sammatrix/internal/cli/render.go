package cli

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/sammatrix/sammatrix/matrix"
	"github.com/sammatrix/sammatrix/render"
	"github.com/sammatrix/sammatrix/render/report"
)

// DefaultOut is where render writes, relative to the working directory.
const DefaultOut = "build"

type renderOptions struct {
	imageFlags
	file  string
	out   string
	check bool
	force bool
	npm   string
}

func newRender() *cobra.Command {
	o := &renderOptions{}
	c := &cobra.Command{
		Use:   "render [-f FILE] [--out DIR] [--check] [--force]",
		Short: "Write one Dockerfile per pair and the Harness pipeline that builds them all",
		Long: `render validates matrix.yaml as validate does, then writes, under --out, one
Dockerfile per pair (<pair-id>/Dockerfile: targets base and
serverless-<version>, every FROM pinned by digest) and pipeline.yaml, the
Harness pipeline that builds every pair in parallel on your Kubernetes
cluster. Everything is generated in memory and put in place at once: a
render that fails leaves --out as it was. --out holds generated files only.

A pair that validation rejects stops the render (exit 1, the findings
printed as validate prints them), unless --force, which marks each forced
pair's Dockerfile with the findings it overrode.

--check regenerates in memory and compares with --out: exit 1 listing every
stale, missing or extra file, 0 when they are identical. It asks no registry
when every reference is pinned by digest in matrix.yaml or already pinned in
--out, and runs no validation.`,
		Example: `  sammatrix render
  sammatrix render -f testdata/demo/matrix.yaml --out demo-build --force
  sammatrix render --check            # in a pull request: fails when build/ is stale`,
		Args: noArgs("-f"),
		RunE: func(c *cobra.Command, _ []string) error { return runRender(c, o) },
	}
	o.register(c)
	c.Flags().StringVarP(&o.file, "file", "f", matrix.DefaultFile, "matrix file to render")
	c.Flags().StringVar(&o.out, "out", DefaultOut, "directory of the generated files")
	c.Flags().BoolVar(&o.check, "check", false, "compare the generated files with --out instead of writing them")
	c.Flags().BoolVar(&o.force, "force", false, "render pairs that validation rejects, marking them in their Dockerfiles")
	registerNPM(c, &o.npm)
	return c
}

func runRender(c *cobra.Command, o *renderOptions) error {
	f, err := loadValidMatrix(c, o.file)
	if err != nil {
		return err
	}
	in, _, done, err := o.inspector(c)
	if err != nil {
		return err
	}
	defer done()
	if o.check {
		setActivity(c, "checking %s against %s", o.out, o.file)
		known, forced := render.Existing(o.out)
		pins, unknown, err := render.Pin(c.Context(), f, in, known, true)
		if err != nil {
			return failure(err)
		}
		for _, ref := range unknown {
			fmt.Fprintf(c.ErrOrStderr(), "sammatrix: note: %s is not pinned in %s or in %s; the files that name it are stale\n", ref, o.file, o.out)
		}
		files, err := render.Generate(f, pins, forced)
		if err != nil {
			return failure(err)
		}
		changes, err := render.Compare(o.out, files)
		if err != nil {
			return failure(err)
		}
		for _, ch := range changes {
			fmt.Fprintf(c.OutOrStdout(), "%s: %s (run: sammatrix render -f %s --out %s)\n", filepath.Join(o.out, ch.Path), ch.Kind, o.file, o.out)
		}
		if len(changes) > 0 {
			return silent(ExitFindings)
		}
		fmt.Fprintf(c.OutOrStdout(), "%s is up to date with %s\n", o.out, o.file)
		return nil
	}

	setActivity(c, "rendering %s of %s", plural(len(f.Pairs), "pair"), o.file)
	r, err := matrix.Validate(c.Context(), f, in, matrix.ValidateOptions{Engines: engines(o.npm, in)})
	if err != nil {
		return failure(err)
	}
	forced := map[string][]string{}
	for _, p := range r.Pairs {
		if p.Verdict == matrix.Compatible {
			continue
		}
		for _, fd := range p.Findings {
			if fd.Severity == matrix.Error {
				forced[p.Pair.ID.V] = append(forced[p.Pair.ID.V], fd.Rule+": "+fd.Message)
			}
		}
	}
	if len(forced) > 0 && !o.force {
		done()
		if err := report.WriteValidateTable(c.OutOrStdout(), r); err != nil {
			return failure(err)
		}
		fmt.Fprintf(c.ErrOrStderr(), "sammatrix: render: %s rejected by validation; nothing written to %s (--force renders them anyway, marked)\n", plural(len(forced), "pair"), o.out)
		return silent(ExitFindings)
	}
	pins, _, err := render.Pin(c.Context(), f, in, nil, false)
	if err != nil {
		return failure(err)
	}
	files, err := render.Generate(f, pins, forced)
	if err != nil {
		return failure(err)
	}
	if err := render.Write(o.out, files); err != nil {
		return failure(err)
	}
	done()
	fmt.Fprintf(c.OutOrStdout(), "wrote %s and %s to %s\n", plural(len(f.Pairs), "Dockerfile"), render.PipelineFile, o.out)
	for _, id := range sortedIDs(forced) {
		fmt.Fprintf(c.ErrOrStderr(), "sammatrix: warning: pair %q was rejected by validation and rendered because of --force\n", id)
	}
	return nil
}

// sortedIDs returns the keys of m, sorted.
func sortedIDs(m map[string][]string) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
