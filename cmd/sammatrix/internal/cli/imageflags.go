package cli

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/reader"
)

// imageFlags are the flags of every command that reads images.
type imageFlags struct {
	mirrors  []string
	insecure []string
	cacheDir string
	noCache  bool
	// cacheRepo and cacheRepoReadOnly default to the environment
	// (cacheRepoEnv, cacheRepoReadOnlyEnv); readOnlyEnv is the latter's
	// raw value, checked with the flags.
	cacheRepo         string
	cacheRepoReadOnly bool
	readOnlyEnv       string
	jobs              int
	timeout           time.Duration
	platform          string
	noProgress        bool
	quiet             bool
	verbose           bool
}

func (f *imageFlags) register(c *cobra.Command) {
	fl := c.Flags()
	fl.StringArrayVar(&f.mirrors, "mirror", nil, "read images of FROM from TO instead, as FROM=TO (repeatable), e.g. "+mirrorExample)
	fl.StringArrayVar(&f.insecure, "insecure-registry", nil, "registry HOST[:PORT] reached over plain HTTP (repeatable)")
	fl.StringVar(&f.cacheDir, "cache-dir", reader.DefaultCacheDir(), "directory of the per-layer cache")
	fl.BoolVar(&f.noCache, "no-cache", false, "neither read nor write the cache (the cache directory; --cache-repo is separate)")
	fl.StringVar(&f.cacheRepo, "cache-repo", os.Getenv(cacheRepoEnv), "registry repository REGISTRY/REPO that shares layer indexes between machines, looked up before a layer is fetched and pushed to after a scan; whoever can push there decides verdicts (env "+cacheRepoEnv+")")
	f.readOnlyEnv = os.Getenv(cacheRepoReadOnlyEnv)
	fl.BoolVar(&f.cacheRepoReadOnly, "cache-repo-read-only", false, "look layer indexes up in --cache-repo but never push (env "+cacheRepoReadOnlyEnv+"=true)")
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

// The environment variables that set --cache-repo and --cache-repo-read-only
// when the flags are not given, as a CI workflow does.
const (
	cacheRepoEnv         = "SAMMATRIX_CACHE_REPO"
	cacheRepoReadOnlyEnv = "SAMMATRIX_CACHE_REPO_READ_ONLY"
)

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
	if f.cacheRepo != "" {
		if _, err := reader.ParseCacheRepo(f.cacheRepo, f.insecure); err != nil {
			if !c.Flags().Changed("cache-repo") {
				err = fmt.Errorf("%s: %w", cacheRepoEnv, err)
			}
			errs = append(errs, err)
		}
	}
	if !c.Flags().Changed("cache-repo-read-only") && f.readOnlyEnv != "" {
		ro, err := strconv.ParseBool(f.readOnlyEnv)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s must be true or false, found %q", cacheRepoReadOnlyEnv, f.readOnlyEnv))
		}
		f.cacheRepoReadOnly = ro
	}
	if err := errors.Join(errs...); err != nil {
		return usageError("%w", err)
	}
	return nil
}

var (
	// registryHost is a registry's HOST[:PORT].
	registryHost = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]+)?$`)
	})
	// repositoryPath is the path of a repository below its registry.
	repositoryPath = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*$`)
	})
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
		ok := registryHost().MatchString(host) && (strings.ContainsAny(host, ".:") || host == "localhost") &&
			(path == "" || repositoryPath().MatchString(path))
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
	var b strings.Builder
	fmt.Fprintf(&b, "read %s: %d layers scanned, %d layer indexes and %d configs from the cache",
		plural(images, "image"), s.LayersScanned, s.LayerCacheHits, s.CacheHits-s.LayerCacheHits)
	if f.cacheRepo != "" {
		fmt.Fprintf(&b, ", %d layer indexes from the cache repository (%s), %d pushed", s.RepoHits, byteSize(s.RepoBytesFetched), s.RepoPushes)
	}
	fmt.Fprintf(&b, ", %d blobs fetched (%s)\n", s.BlobsFetched, byteSize(s.BytesFetched))
	fmt.Fprint(c.ErrOrStderr(), b.String())
}

// byteSize writes n bytes in SI units: 512 B, 16.1 kB, 1.2 GB.
func byteSize(n int64) string {
	if n < 1000 {
		return fmt.Sprintf("%d B", n)
	}
	v, unit := float64(n)/1000, "kB"
	for _, u := range []string{"MB", "GB", "TB"} {
		if v < 999.95 {
			break
		}
		v, unit = v/1000, u
	}
	return fmt.Sprintf("%.1f %s", v, unit)
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
	if st, ok := c.Context().Value(stateKey{}).(*state); ok && st.scanning != nil {
		// Events of layers not in the cache come from their scans.
		show := o.Progress
		o.Progress = func(e reader.Event) {
			if !e.Cached {
				st.scanning()
			}
			if show != nil {
				show(e)
			}
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
	warned := len(in.Warnings())
	for _, w := range in.Warnings() {
		fmt.Fprintf(c.ErrOrStderr(), "sammatrix: warning: %s\n", w)
	}
	// Warnings of the run itself (a cache repository that refused a
	// push) come once the progress line is gone.
	clearLine := done
	done = func() {
		clearLine()
		ws := in.Warnings()
		for _, w := range ws[warned:] {
			fmt.Fprintf(c.ErrOrStderr(), "sammatrix: warning: %s\n", w)
		}
		warned = len(ws)
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
	o.CacheRepo, o.CacheRepoReadOnly, o.Version = f.cacheRepo, f.cacheRepoReadOnly, moduleVersion()
	return o, nil
}
