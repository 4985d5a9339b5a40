package cli

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/sammatrix/sammatrix/inspect"
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
	fl.StringArrayVar(&f.mirrors, "mirror", nil, "read images of FROM from TO instead, as FROM=TO (repeatable), e.g. public.ecr.aws=127.0.0.1:5000")
	fl.StringArrayVar(&f.insecure, "insecure-registry", nil, "registry HOST[:PORT] reached over plain HTTP (repeatable)")
	fl.StringVar(&f.cacheDir, "cache-dir", inspect.DefaultCacheDir(), "directory of the per-layer cache")
	fl.BoolVar(&f.noCache, "no-cache", false, "neither read nor write the cache")
	fl.IntVar(&f.jobs, "jobs", 0, "layers fetched and scanned at once (default the number of CPUs)")
	fl.DurationVar(&f.timeout, "timeout", inspect.DefaultTimeout, "longest wait on a registry for a connection, response headers or the next bytes of a blob")
	fl.StringVar(&f.platform, "platform", inspect.DefaultPlatform, "platform an image index resolves to")
	fl.BoolVar(&f.noProgress, "no-progress", false, "print no progress, even on a terminal")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print only the result")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "say afterwards what was read: layers scanned, taken from the cache, blobs fetched")
}

// summarize prints, with -v, what the inspector did.
func (f *imageFlags) summarize(c *cobra.Command, in *inspect.Inspector, images int) {
	if !f.verbose {
		return
	}
	s := in.Stats()
	fmt.Fprintf(c.ErrOrStderr(), "read %d images: %d layers scanned, %d indexes and configs from the cache, %d blobs fetched\n",
		images, s.LayersScanned, s.CacheHits, s.BlobsFetched)
}

// options turns the flags into inspector options: the one place where
// they meet the library. done clears the progress line.
func (f *imageFlags) options(c *cobra.Command) (o inspect.Options, done func(), err error) {
	done = func() {}
	o, err = f.inspectOptions()
	if err != nil {
		return o, done, err
	}
	if !f.noProgress && !f.quiet {
		if file, ok := c.ErrOrStderr().(*os.File); ok && term.IsTerminal(int(file.Fd())) {
			p := newProgress(file)
			o.Progress, done = p.event, p.finish
		}
	}
	return o, done, nil
}

// inspector returns an Inspector configured by the flags, after printing
// its warnings; done clears the progress line and must be called when the
// reading is over.
func (f *imageFlags) inspector(c *cobra.Command) (in *inspect.Inspector, opts inspect.Options, done func(), err error) {
	opts, done, err = f.options(c)
	if err != nil {
		return nil, opts, done, err
	}
	in, err = inspect.New(opts)
	if err != nil {
		done()
		return nil, opts, func() {}, failure(err)
	}
	for _, w := range in.Warnings() {
		fmt.Fprintf(c.ErrOrStderr(), "sammatrix: warning: %s\n", w)
	}
	return in, opts, done, nil
}

func (f *imageFlags) inspectOptions() (inspect.Options, error) {
	o := inspect.Options{Jobs: f.jobs, Insecure: f.insecure, Timeout: f.timeout}
	if f.jobs < 0 {
		return o, usageError("--jobs must be at least 1, found %d", f.jobs)
	}
	if f.timeout <= 0 {
		return o, usageError("--timeout must be positive, found %s", f.timeout)
	}
	p, err := inspect.ParsePlatform(f.platform)
	if err != nil {
		return o, usageError("%v", err)
	}
	o.Platform = p
	for _, s := range f.mirrors {
		m, err := inspect.ParseMirror(s)
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
