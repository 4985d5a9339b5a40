package cli

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/reader"
)

// imageFlags are the flags of every command that reads images.
type imageFlags struct {
	mirrors    []string
	insecure   []string
	cacheDir   string
	noCache    bool
	jobs       int
	timeout    time.Duration
	platform   string
	noProgress bool
	quiet      bool
	verbose    bool
}

func (f *imageFlags) register(c *cobra.Command) {
	fl := c.Flags()
	fl.StringArrayVar(&f.mirrors, "mirror", nil, "read images of FROM from TO instead, as FROM=TO (repeatable), e.g. "+mirrorExample)
	fl.StringArrayVar(&f.insecure, "insecure-registry", nil, "registry HOST[:PORT] reached over plain HTTP (repeatable)")
	fl.StringVar(&f.cacheDir, "cache-dir", reader.DefaultCacheDir(), "directory of the per-layer cache")
	fl.BoolVar(&f.noCache, "no-cache", false, "neither read nor write the cache")
	fl.IntVar(&f.jobs, "jobs", 0, "layers fetched and scanned at once, at least 1 (default the number of CPUs)")
	fl.DurationVar(&f.timeout, "timeout", reader.DefaultTimeout, "longest wait on a registry for a connection, response headers or the next bytes of a blob")
	fl.StringVar(&f.platform, "platform", inspect.DefaultPlatform, "platform an image index resolves to")
	fl.BoolVar(&f.noProgress, "no-progress", false, "print no progress, even on a terminal")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print only the report, errors and warnings: no progress line, and no statistics even with -v")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "say afterwards what was read: layers scanned, taken from the cache, blobs fetched")
	// Checked before the command starts, so that a wrong flag costs no
	// matrix.yaml parse and no image read, and is reported once.
	c.PreRunE = func(c *cobra.Command, _ []string) error { return f.check(c) }
}

// mirrorExample is the example of --mirror every message about it gives.
const mirrorExample = "public.ecr.aws=127.0.0.1:5000"

// check reports every problem of the flags at once, as a usage error.
func (f *imageFlags) check(c *cobra.Command) error {
	var errs []error
	if c.Flags().Changed("jobs") && f.jobs < 1 {
		errs = append(errs, fmt.Errorf("--jobs must be 1 or more (without it, the number of CPUs), found %d", f.jobs))
	}
	if f.timeout <= 0 {
		errs = append(errs, fmt.Errorf("--timeout must be positive, such as 30s or 2m, found %s", f.timeout))
	}
	if _, err := reader.ParsePlatform(f.platform); err != nil {
		errs = append(errs, err)
	}
	for _, m := range f.mirrors {
		if err := checkMirror(m); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return usageError("%w", err)
	}
	return nil
}

var (
	// registryHost is a registry's HOST[:PORT].
	registryHost = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]+)?$`)
	// repositoryPath is the path of a repository below its registry.
	repositoryPath = regexp.MustCompile(`^[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*$`)
)

// checkMirror reports whether s is FROM=TO with both sides a registry host,
// optionally followed by a repository path prefix.
func checkMirror(s string) error {
	if strings.Count(s, "=") > 1 {
		return fmt.Errorf("parsing mirror %q: more than one =; want FROM=TO, e.g. %s", s, mirrorExample)
	}
	m, err := reader.ParseMirror(s)
	if err != nil {
		return err
	}
	for _, side := range []string{m.From, m.To} {
		if strings.Contains(side, "://") {
			return fmt.Errorf("parsing mirror %q: %q is a URL; give HOST[:PORT][/PATH] without a scheme, e.g. %s, and name a plain-HTTP registry with --insecure-registry", s, side, mirrorExample)
		}
		host, path, _ := strings.Cut(side, "/")
		ok := registryHost.MatchString(host) && (strings.ContainsAny(host, ".:") || host == "localhost") &&
			(path == "" || repositoryPath.MatchString(path))
		if !ok {
			return fmt.Errorf("parsing mirror %q: %q is not a registry HOST[:PORT] with an optional lower-case /PATH; want FROM=TO, e.g. %s", s, side, mirrorExample)
		}
	}
	return nil
}

// summarize prints, with -v and without -q, what the inspector did.
func (f *imageFlags) summarize(c *cobra.Command, in *reader.Inspector, images int) {
	if !f.verbose || f.quiet {
		return
	}
	s := in.Stats()
	fmt.Fprintf(c.ErrOrStderr(), "read %s: %d layers scanned, %d indexes and configs from the cache, %d blobs fetched\n",
		plural(images, "image"), s.LayersScanned, s.CacheHits, s.BlobsFetched)
}

// options turns the flags into inspector options: the one place where
// they meet the library. done clears the progress line.
func (f *imageFlags) options(c *cobra.Command) (o reader.Options, done func(), err error) {
	done = func() {}
	o, err = f.inspectOptions()
	if err != nil {
		return o, done, err
	}
	if !f.noProgress && !f.quiet {
		if file, ok := c.ErrOrStderr().(*os.File); ok && term.IsTerminal(int(file.Fd())) {
			p := newProgress(file, terminalWidth(int(file.Fd())))
			o.Progress, done = p.event, p.finish
		}
	}
	return o, done, nil
}

// inspector returns an Inspector configured by the flags, after printing
// its warnings; done clears the progress line and must be called when the
// reading is over.
func (f *imageFlags) inspector(c *cobra.Command) (in *reader.Inspector, opts reader.Options, done func(), err error) {
	opts, done, err = f.options(c)
	if err != nil {
		return nil, opts, done, err
	}
	in, err = reader.New(opts)
	if err != nil {
		done()
		return nil, opts, func() {}, failure(err)
	}
	for _, w := range in.Warnings() {
		fmt.Fprintf(c.ErrOrStderr(), "sammatrix: warning: %s\n", w)
	}
	return in, opts, done, nil
}

func (f *imageFlags) inspectOptions() (reader.Options, error) {
	o := reader.Options{Jobs: f.jobs, Insecure: f.insecure, Timeout: f.timeout}
	p, err := reader.ParsePlatform(f.platform)
	if err != nil {
		return o, usageError("%v", err)
	}
	o.Platform = p
	for _, s := range f.mirrors {
		m, err := reader.ParseMirror(s)
		if err != nil {
			return o, usageError("%v", err)
		}
		o.Mirrors = append(o.Mirrors, m)
	}
	if !f.noCache {
		o.CacheDir = f.cacheDir
	}
	return o, nil
}
