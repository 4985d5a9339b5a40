package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sammatrix/sammatrix/inspect"
)

type inspectOptions struct {
	imageFlags
	output string
}

func newInspect() *cobra.Command {
	o := &inspectOptions{}
	c := &cobra.Command{
		Use:   "inspect [-o table|json] IMAGE...",
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
	c.Flags().StringVarP(&o.output, "output", "o", "table", "output format: table or json")
	return c
}

func runInspect(c *cobra.Command, o *inspectOptions, args []string) error {
	if o.output != "table" && o.output != "json" {
		return usageError("unknown output format %q; want table or json", o.output)
	}
	refs := make([]inspect.Reference, len(args))
	for i, a := range args {
		r, err := inspect.ParseReference(a)
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
	if o.output == "json" {
		enc := json.NewEncoder(c.OutOrStdout())
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Images []*inspect.Facts `json:"images"`
		}{facts})
	}
	for i, f := range facts {
		if i > 0 {
			fmt.Fprintln(c.OutOrStdout())
		}
		writeFacts(c.OutOrStdout(), f)
	}
	return nil
}

// writeFacts prints one image's facts as a block for people.
func writeFacts(w io.Writer, f *inspect.Facts) {
	row := func(k, v string) { fmt.Fprintf(w, "  %-10s %s\n", k, v) }
	fmt.Fprintln(w, f.Ref)
	row("digest", f.Digest)
	row("platform", f.Platform)
	if f.OS != nil {
		row("os", fmt.Sprintf("%s (ID=%s VERSION_ID=%s)", f.OS.PrettyName, f.OS.ID, f.OS.VersionID))
	} else {
		row("os", "unknown: no os-release")
	}
	if l := f.Libstdcxx; l != nil {
		row("libstdc++", fmt.Sprintf("%s → %s (%s), GLIBCXX_%s, CXXABI_%s", l.Link, l.Path, l.Version, l.MaxGLIBCXX, l.MaxCXXABI))
	} else {
		row("libstdc++", "not found in the library path")
	}
	if g := f.Glibc; g != nil {
		rpm := ""
		if g.RPM != "" {
			rpm = ", rpm glibc-" + g.RPM
		}
		row("glibc", fmt.Sprintf("%s (%s%s)", g.Version, g.Path, rpm))
	} else {
		row("glibc", "libc.so.6 not found in the library path")
	}
	if r := f.RPM; r != nil {
		row("rpm", fmt.Sprintf("%s (%s), %d packages", r.Path, r.Format, len(r.Packages)))
	} else {
		row("rpm", "no rpm database")
	}
	if n := f.Node; n != nil {
		row("node", fmt.Sprintf("%s %s, needs %s", n.Path, n.Version, strings.Join(n.Needed, " ")))
		for _, lib := range sortedKeys(n.VersionNeeds) {
			row("", fmt.Sprintf("%s: %s", lib, strings.Join(n.VersionNeeds[lib], " ")))
		}
	} else {
		row("node", "none at "+inspect.NodePath)
	}
	for _, dir := range inspect.CopiedTrees {
		if t := f.Trees[dir]; t != nil {
			row("tree", fmt.Sprintf("%s: %d files (%d ELF), %d directories, %d symlinks, %d bytes", dir, t.Files, t.ELF, t.Dirs, t.Symlinks, t.Bytes))
		}
	}
	row("layers", fmt.Sprint(len(f.Layers)))
	for _, w := range f.Warnings {
		row("warning", w)
	}
}
