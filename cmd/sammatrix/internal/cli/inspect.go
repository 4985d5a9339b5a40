package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/imageref"
	"github.com/sammatrix/sammatrix/render/report"
)

type inspectOptions struct {
	imageFlags
	output string
}

func newInspect() *cobra.Command {
	o := &inspectOptions{}
	c := &cobra.Command{
		Use:   "inspect [-o " + report.InspectFormats().Usage() + "] IMAGE...",
		Short: "Print the facts of images, read without running them",
		Long: `inspect reads each image's layers (each distinct layer once, in parallel,
cached on disk) and prints its facts: platform, OS release, the libstdc++ and
glibc the loader finds with their highest symbol versions, the rpm database,
node and what it needs, and the config's environment.

IMAGE is a registry reference, oci:DIR[:TAG|@DIGEST], oci-archive:FILE or
docker-archive:FILE.`,
		Example: `  sammatrix inspect public.ecr.aws/sam/build-python3.12:1.142.1-20250701194731-x86_64
  sammatrix inspect -o json oci:testdata/demo/sam/build-nodejs20.x:1.120.0-20240626164108-x86_64
  sammatrix inspect --mirror public.ecr.aws=127.0.0.1:5000 --insecure-registry 127.0.0.1:5000 \
      public.ecr.aws/sam/build-java21:1.140.0-20250605234711-x86_64`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runInspect(c, o, args) },
	}
	o.register(c)
	c.Flags().StringVarP(&o.output, "output", "o", string(report.InspectFormats()[0]), "output format: "+report.InspectFormats().String())
	return c
}

func runInspect(c *cobra.Command, o *inspectOptions, args []string) error {
	write, err := report.InspectWriter(report.Format(o.output))
	if err != nil {
		return usageError("%v", err)
	}
	refs := make([]imageref.Reference, len(args))
	for i, a := range args {
		r, err := imageref.Parse(a)
		if err != nil {
			return usageError("%v", err)
		}
		refs[i] = r
	}
	setActivity(c, "reading %s", plural(len(refs), "image"))
	in, _, done, err := o.inspector(c)
	if err != nil {
		return err
	}
	imgs, errs := in.InspectAll(c.Context(), refs)
	done()
	o.summarize(c, in, len(refs))
	if err := errors.Join(errs...); err != nil {
		return failure(err)
	}
	facts := make([]*inspect.Facts, len(imgs))
	for i, img := range imgs {
		facts[i] = img.Facts
	}
	if err := write(c.OutOrStdout(), facts, report.Options{}); err != nil {
		return failure(fmt.Errorf("writing the facts: %w", err))
	}
	return nil
}
