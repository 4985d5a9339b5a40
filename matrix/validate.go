package matrix

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/elfabi"
	"github.com/sammatrix/sammatrix/inspect/imageref"
	"github.com/sammatrix/sammatrix/matrix/recipe"
)

// ImageReader reads the images of a matrix. The reader package's Inspector
// is one; a test can hand Validate images it made in memory.
type ImageReader interface {
	// InspectAll reads every reference. The results and errors are in the
	// order of refs; for each, exactly one of them is non-nil. A reference
	// that does not resolve gives an error wrapping inspect.ErrNotFound, an
	// index without the platform one wrapping inspect.ErrPlatform; any other
	// error leaves nothing to judge.
	InspectAll(ctx context.Context, refs []imageref.Reference) ([]*inspect.Image, []error)
}

// ValidateOptions configure Validate.
type ValidateOptions struct {
	// Engines looks up engines.node of a Serverless version; nil skips the
	// serverless-engine rule (and says so in the report).
	Engines EnginesFunc
}

// Validate inspects every image of f once (the pairs' images and the
// plugin image) and applies every rule to every pair. Findings of the file itself (schema problems) must have been ruled
// out before. A reference that does not resolve is an image-not-found
// finding; a registry that cannot be reached, refused credentials or a
// damaged layer is an error (the run cannot judge anything it did not read).
func Validate(ctx context.Context, f *File, in ImageReader, opts ValidateOptions) (*Report, error) {
	images, err := inspectImages(ctx, f, in)
	if err != nil {
		return nil, err
	}
	r := &Report{File: f.Path, Warnings: imageWarnings(f, images)}
	engines := lookupEngines(ctx, f, opts.Engines, r)
	// Pairs are judged side by side, one per CPU: each simulates its own
	// build from images that are only read.
	r.Pairs = make([]PairResult, len(f.Pairs))
	errs := make([]error, len(f.Pairs))
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, p := range f.Pairs {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			r.Pairs[i], errs[i] = judge(f, p, images, engines)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return r, nil
}

// inspected is an image of the matrix as Validate read it: the image, or
// why it could not be read.
type inspected struct {
	img *inspect.Image
	err error
}

// fileImages returns every image reference of f in the order of the file:
// the plugin image, if any, then the pairs' images.
func fileImages(f *File) []Image {
	var out []Image
	if f.Plugin.BaseImage.Set {
		out = append(out, f.Plugin.BaseImage)
	}
	for _, p := range f.Pairs {
		out = append(out, p.Runtime, p.NodeJS)
	}
	return out
}

// inspectImages reads every distinct image of f at once. It fails on the
// errors that leave nothing to judge; an image that does not resolve is
// kept with its error, for a finding on its line.
func inspectImages(ctx context.Context, f *File, in ImageReader) (map[string]inspected, error) {
	base := filepath.Dir(f.Path)
	var refs []imageref.Reference
	var keys []string
	seen := map[string]bool{}
	for _, img := range fileImages(f) {
		if !seen[img.V] {
			seen[img.V] = true
			keys = append(keys, img.V)
			refs = append(refs, img.Ref.WithBase(base))
		}
	}
	imgs, errs := in.InspectAll(ctx, refs)
	out := map[string]inspected{}
	var fatal []error
	said := map[string]bool{}
	for i, key := range keys {
		out[key] = inspected{imgs[i], errs[i]}
		err := errs[i]
		// A registry that cannot be reached fails every image of it alike:
		// say so once.
		if err != nil && !errors.Is(err, inspect.ErrNotFound) && !errors.Is(err, inspect.ErrPlatform) && !said[err.Error()] {
			said[err.Error()] = true
			fatal = append(fatal, err)
		}
	}
	if len(fatal) > 0 {
		return nil, errors.Join(fatal...)
	}
	return out, nil
}

// imageWarnings lists the warnings of every image read, each once, naming
// the image, in the order the images appear in f.
func imageWarnings(f *File, images map[string]inspected) []string {
	var out []string
	seen := map[string]bool{}
	for _, img := range fileImages(f) {
		in := images[img.V]
		if seen[img.V] || in.img == nil || in.img.Facts == nil {
			continue
		}
		seen[img.V] = true
		for _, w := range in.img.Facts.Warnings {
			out = append(out, fmt.Sprintf("image %q: %s", img.V, w))
		}
	}
	return out
}

// lookupEngines asks engines.node of every Serverless version of f. The
// versions it cannot ask are listed in r.Skipped, with the reason.
func lookupEngines(ctx context.Context, f *File, ask EnginesFunc, r *Report) map[string]string {
	engines := map[string]string{}
	switch {
	case ask == nil:
		r.Skipped = append(r.Skipped, RuleServerlessEngine+": not checked (no way to ask npm was given)")
		return engines
	case f.Severity(RuleServerlessEngine) == Off:
		return engines
	}
	for _, s := range f.Serverless {
		rng, err := ask(ctx, s.V)
		switch {
		case errors.Is(err, ErrNoNPM):
			// Said once: no other version can be asked either.
			r.Skipped = append(r.Skipped, fmt.Sprintf("%s: not checked: %v", RuleServerlessEngine, err))
			return engines
		case err != nil:
			r.Skipped = append(r.Skipped, fmt.Sprintf("%s: not checked for serverless@%s: %v", RuleServerlessEngine, s.V, err))
		case !validRange(rng):
			r.Skipped = append(r.Skipped, fmt.Sprintf("%s: not checked for serverless@%s: engines.node %q is not a range sammatrix understands", RuleServerlessEngine, s.V, rng))
		default:
			engines[s.V] = rng
		}
	}
	return engines
}

// judge applies every rule to one pair, with the severities of f's policy.
func judge(f *File, p Pair, images map[string]inspected, engines map[string]string) (PairResult, error) {
	c := &check{file: f, pair: p, engines: engines, errs: map[string]error{}}
	type side struct {
		img **inspect.Image
		ref Image
	}
	sides := []side{{&c.runtime, p.Runtime}, {&c.nodejs, p.NodeJS}}
	if f.Plugin.BaseImage.Set {
		sides = append(sides, side{&c.plugin, f.Plugin.BaseImage})
	}
	for _, side := range sides {
		in := images[side.ref.V]
		if in.err != nil {
			c.errs[side.ref.V] = in.err
			continue
		}
		*side.img = in.img
	}
	if c.runtime != nil && c.nodejs != nil {
		// Without the plugin image (it did not resolve: image-not-found
		// says so) the build is simulated without its copies.
		roles := map[recipe.Role]*inspect.Image{recipe.Runtime: c.runtime, recipe.NodeJS: c.nodejs}
		if c.plugin != nil {
			roles[recipe.Plugin] = c.plugin
		}
		b, err := simulateBuild(recipe.Default, roles)
		if err != nil {
			return PairResult{}, fmt.Errorf("pair %q: %w", p.ID.V, err)
		}
		c.built = b
	}
	res := PairResult{Pair: p, Verdict: Compatible, Summary: summarize(c)}
	res.Findings = run(c, func(Rule) bool { return true })
	SortFindings(res.Findings)
	if HasErrors(res.Findings) {
		res.Verdict = Incompatible
	}
	return res, nil
}

func validRange(rng string) bool {
	_, err := parseNodeRange(rng)
	return err == nil
}

// summarize collects the facts a table shows for a pair.
func summarize(c *check) Summary {
	var s Summary
	if c.runtime != nil {
		s.RuntimeOS = osName(c.runtime.Facts.OS)
		s.RuntimeDigest = c.runtime.Facts.Digest
		if l := c.runtime.Facts.Libstdcxx; l != nil {
			s.RuntimeLibstdcxx = l.Version
		}
	}
	if c.nodejs != nil {
		s.NodeJSOS = osName(c.nodejs.Facts.OS)
		s.NodeJSDigest = c.nodejs.Facts.Digest
		if l := c.nodejs.Facts.Libstdcxx; l != nil {
			s.NodeJSLibstdcxx = l.Version
		}
		if n := c.nodejs.Facts.Node; n != nil {
			s.NodeVersion = n.Version
			var needs []string
			for _, vs := range n.VersionNeeds {
				needs = append(needs, vs...)
			}
			s.NeedGLIBCXX = strings.TrimPrefix(elfabi.Max(needs, "GLIBCXX_"), "GLIBCXX_")
			s.NeedGLIBC = strings.TrimPrefix(elfabi.Max(needs, "GLIBC_"), "GLIBC_")
		}
	}
	if _, libs := nodeLoad(c); libs != nil {
		s.HaveGLIBCXX = maxDefined(libs, "libstdc++.so.6", "GLIBCXX_")
		s.HaveGLIBC = maxDefined(libs, "libc.so.6", "GLIBC_")
	}
	return s
}
