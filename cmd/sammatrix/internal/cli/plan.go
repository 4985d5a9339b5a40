package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/sammatrix/sammatrix/matrix"
	"github.com/sammatrix/sammatrix/matrix/plan"
	"github.com/sammatrix/sammatrix/render/report"
)

type planOptions struct {
	imageFlags
	file     string
	output   string
	npm      string
	runtimes []string
	nodejs   []string
	tags     int
	upgrade  bool
	write    bool
	dryRun   bool
}

func newPlan() *cobra.Command {
	o := &planOptions{}
	c := &cobra.Command{
		Use:   "plan [--runtime IMAGE]... [--nodejs IMAGE]... [-f FILE] [--upgrade] [--write|--dry-run]",
		Short: "Judge every runtime × Node.js image combination and suggest pairs",
		Long: `plan judges every runtime image with every Node.js image by exactly the rules
of validate (all combinations are validated as one matrix, so each image and
layer is read once) and prints the grid: ✓, or ✗ and the first rule that
fails. For each runtime it suggests the compatible Node.js image with the
highest Node.js major (ties: the newest tag) as a pairs: block. -o html
writes the grid as one self-contained web page: each cell's findings and
their evidence show on hover and click, each header has its image's facts.

--runtime and --nodejs take an image reference or a registry repository
without a tag (public.ecr.aws/sam/build-python3.12); a repository stands for
its newest complete <sam-cli>-<YYYYMMDDhhmmss>-x86_64 tag (--tags N: its N
newest), listed through the same mirrors and credentials as image reads.
Without them, plan takes the repositories of matrix.yaml's pairs, and its
policy and Serverless versions apply either way.

--write updates matrix.yaml in place with the suggestions: pairs without an
id: of their own take the suggested images, runtimes it lacks are appended,
and every other byte (comments, order, quoting, blank lines) stays. --dry-run
prints the unified diff instead and writes nothing.

--upgrade looks, for each pair of matrix.yaml, for newer complete tags of its
repositories and proposes the newest combination that stays compatible,
saying which newer tag breaks the pair and why; with --write it applies them.

Exit codes: 0 the plan was made (whatever the verdicts), 2 a usage error or
an invalid matrix.yaml, 3 an image or a tag list could not be read.`,
		Example: `  sammatrix plan --runtime public.ecr.aws/sam/build-python3.12 --nodejs public.ecr.aws/sam/build-nodejs20.x --nodejs public.ecr.aws/sam/build-nodejs22.x
  sammatrix plan -o markdown
  sammatrix plan -o html > plan.html
  sammatrix plan --write --dry-run
  sammatrix plan --upgrade --write`,
		Args: noArgs("--runtime"),
		RunE: func(c *cobra.Command, _ []string) error { return runPlan(c, o) },
	}
	o.register(c)
	fl := c.Flags()
	fl.StringVarP(&o.file, "file", "f", matrix.DefaultFile, "matrix file whose pairs, policy and Serverless versions apply (optional with --runtime and --nodejs)")
	fl.StringVarP(&o.output, "output", "o", string(report.PlanFormats()[0]), "output format: "+report.PlanFormats().String())
	registerNPM(c, &o.npm)
	fl.StringArrayVar(&o.runtimes, "runtime", nil, "runtime image or repository (repeatable; default the runtime repositories of the matrix file)")
	fl.StringArrayVar(&o.nodejs, "nodejs", nil, "Node.js image or repository (repeatable; default the Node.js repositories of the matrix file)")
	fl.IntVar(&o.tags, "tags", plan.DefaultTags, "newest complete tags of each repository to consider")
	fl.BoolVar(&o.upgrade, "upgrade", false, "propose newer tags for the pairs of the matrix file that keep them compatible")
	fl.BoolVar(&o.write, "write", false, "update the matrix file in place")
	fl.BoolVar(&o.dryRun, "dry-run", false, "print the unified diff --write would apply, and write nothing")
	return c
}

func runPlan(c *cobra.Command, o *planOptions) error {
	if o.tags < 1 {
		return usageError("--tags must be 1 or more, found %d", o.tags)
	}
	if o.upgrade && (len(o.runtimes) > 0 || len(o.nodejs) > 0) {
		return usageError("--upgrade works on the pairs of the matrix file; it takes no --runtime or --nodejs")
	}
	f, data, err := o.loadPlanMatrix(c)
	if err != nil {
		return err
	}
	if f == nil && (o.upgrade || o.write || o.dryRun) {
		return usageError("reading matrix file: %s does not exist (--upgrade, --write and --dry-run need one; use -f to name it)", o.file)
	}
	in, _, done, err := o.inspector(c)
	if err != nil {
		return err
	}
	opts := plan.Options{Validate: matrix.ValidateOptions{Engines: engines(o.npm, in)}}
	if o.upgrade {
		write, err := report.UpgradeWriter(report.Format(o.output))
		if err != nil {
			done()
			return usageError("%v", err)
		}
		setActivity(c, "planning upgrades of %s of %s", plural(len(f.Pairs), "pair"), o.file)
		u, err := plan.PlanUpgrades(c.Context(), f, in, in, o.tags, opts)
		done()
		if err != nil {
			return failure(err)
		}
		return o.finish(c, f, data, u.Edits(f), func() error { return write(c.OutOrStdout(), u, report.Options{}) })
	}
	write, err := report.PlanWriter(report.Format(o.output))
	if err != nil {
		done()
		return usageError("%v", err)
	}
	runtimes, nodejs, err := o.planImages(c, in, f)
	if err != nil {
		done()
		return err
	}
	setActivity(c, "judging %d runtime × %d Node.js images", len(runtimes), len(nodejs))
	g, err := plan.Evaluate(c.Context(), f, runtimes, nodejs, in, opts)
	done()
	o.summarize(c, in, len(runtimes)+len(nodejs))
	if err != nil {
		return failure(err)
	}
	var edits plan.Edits
	if f != nil {
		edits = plan.SuggestionEdits(f, g.Suggestions)
	}
	return o.finish(c, f, data, edits, func() error { return write(c.OutOrStdout(), g, report.Options{}) })
}

// loadPlanMatrix reads the matrix file, and its bytes for --write. A
// missing default file is no error: plan can run on --runtime and --nodejs
// alone.
func (o *planOptions) loadPlanMatrix(c *cobra.Command) (*matrix.File, []byte, error) {
	data, err := os.ReadFile(o.file)
	if errors.Is(err, fs.ErrNotExist) && !c.Flags().Changed("file") && len(o.runtimes) > 0 && len(o.nodejs) > 0 {
		return nil, nil, nil
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, usageError("reading matrix file: %v (use -f to name another file, or give --runtime and --nodejs)", err)
		}
		return nil, nil, usageError("reading matrix file: %v", err)
	}
	f, problems := matrix.Parse(o.file, data)
	if matrix.HasSchemaErrors(problems) {
		if err := report.WriteText(c.ErrOrStderr(), problems); err != nil {
			return nil, nil, failure(err)
		}
		return nil, nil, silent(ExitUsage)
	}
	return f, data, nil
}

// planImages expands --runtime and --nodejs, or the repositories of the
// matrix file, into the images of the grid.
func (o *planOptions) planImages(c *cobra.Command, lister plan.TagLister, f *matrix.File) (runtimes, nodejs []plan.Image, err error) {
	var fileRT, fileNJ []string
	if f != nil {
		fileRT, fileNJ = plan.FileInputs(f)
	}
	for _, side := range []struct {
		flag  string
		given []string
		file  []string
		dst   *[]plan.Image
	}{{"--runtime", o.runtimes, fileRT, &runtimes}, {"--nodejs", o.nodejs, fileNJ, &nodejs}} {
		args, dir := side.given, ""
		if len(args) == 0 {
			args, dir = side.file, plan.FileDir(f)
		}
		if len(args) == 0 {
			return nil, nil, usageError("no images to plan: give %s, or a matrix file with pairs", side.flag)
		}
		for _, a := range args {
			if _, err := plan.ParseImage(a, dir); err != nil {
				return nil, nil, usageError("%s: %v", side.flag, err)
			}
		}
		setActivity(c, "listing tags")
		imgs, err := plan.Expand(c.Context(), lister, args, o.tags, dir)
		if err != nil {
			return nil, nil, failure(err)
		}
		*side.dst = imgs
	}
	return runtimes, nodejs, nil
}

// finish prints the report, then applies the edits: --dry-run prints
// their diff instead of the report, --write writes the file at once.
func (o *planOptions) finish(c *cobra.Command, f *matrix.File, data []byte, edits plan.Edits, writeReport func() error) error {
	if !o.dryRun {
		if err := writeReport(); err != nil {
			return failure(fmt.Errorf("writing the plan: %w", err))
		}
	}
	if !o.write && !o.dryRun {
		return nil
	}
	updated, err := plan.Apply(data, f, edits)
	if err != nil {
		return failure(err)
	}
	// The edit must leave a matrix file as valid as it found it.
	if _, problems := matrix.Parse(o.file, updated); matrix.HasSchemaErrors(problems) {
		return failure(fmt.Errorf("editing %s: the result would not be a valid matrix file (%s); nothing was written", matrix.DisplayPath(o.file), problems[0]))
	}
	if o.dryRun {
		if _, err := c.OutOrStdout().Write(plan.Diff(o.file, data, updated)); err != nil {
			return failure(fmt.Errorf("writing the diff: %w", err))
		}
		return nil
	}
	if string(updated) == string(data) {
		if !o.quiet {
			fmt.Fprintf(c.ErrOrStderr(), "%s is up to date\n", matrix.DisplayPath(o.file))
		}
		return nil
	}
	if err := plan.WriteFile(o.file, updated); err != nil {
		return failure(err)
	}
	if !o.quiet {
		fmt.Fprintf(c.ErrOrStderr(), "updated %s: %s changed, %s added\n", matrix.DisplayPath(o.file),
			plural(len(edits.Changes), "value"), plural(len(edits.Append), "pair"))
	}
	return nil
}
