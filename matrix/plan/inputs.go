package plan

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/sammatrix/sammatrix/inspect/imageref"
	"github.com/sammatrix/sammatrix/matrix"
)

// TagLister lists the tags of a registry repository. The reader package's
// Inspector is one.
type TagLister interface {
	ListTags(ctx context.Context, repository string) ([]string, error)
}

// Image is an image a plan considers: the reference as shown and written
// to matrix.yaml, and the parsed reference it is read from.
type Image struct {
	// Name is the reference as given, or REPOSITORY:TAG for a tag of a
	// listed repository.
	Name string
	// Ref is Name parsed, with a relative local path made relative to the
	// directory it was given in.
	Ref imageref.Reference
}

// Repository returns the registry repository of the image, or the path of
// a local one.
func (i Image) Repository() string { return i.Ref.Repository() }

// RuntimeName returns the runtime the image is for (build-python3.12 →
// python3.12), or its repository when that cannot be derived.
func (i Image) RuntimeName() string {
	if n, ok := i.Ref.RuntimeName(); ok {
		return n
	}
	return i.Repository()
}

// Tag returns the complete tag of the image; ok is false when it names no
// complete tag.
func (i Image) Tag() (Tag, bool) {
	tag, _ := i.Ref.Identifier()
	return ParseTag(tag)
}

// Short names the image in a few characters: python3.12:1.120.0-20240626164131-x86_64.
func (i Image) Short() string {
	tag, digest := i.Ref.Identifier()
	switch {
	case tag != "":
		return i.RuntimeName() + ":" + tag
	case digest != "":
		return i.RuntimeName() + "@" + digest
	}
	return i.RuntimeName()
}

// ParseImage parses a reference given in directory dir: a relative local
// path is made absolute from it ("" is the working directory).
func ParseImage(s, dir string) (Image, error) {
	ref, err := imageref.Parse(s)
	if err != nil {
		return Image{}, err
	}
	if ref.Local() {
		abs, err := filepath.Abs(ref.WithBase(dir).Path)
		if err != nil {
			return Image{}, fmt.Errorf("resolving path of %q: %w", s, err)
		}
		ref.Path = abs
	}
	return Image{Name: s, Ref: ref}, nil
}

// IsRepository reports whether a registry reference names a repository
// without a tag or a digest, whose tags a plan lists.
func IsRepository(ref imageref.Reference) bool {
	tag, digest := ref.Identifier()
	return ref.Transport == imageref.Registry && tag == "" && digest == ""
}

// Expand turns each argument, an image reference or a registry repository
// without a tag (public.ecr.aws/sam/build-python3.12), into the images a
// plan considers: a reference as it is, a repository as its n newest
// complete tags, newest first (n < 1: DefaultTags). Relative local paths
// are relative to dir. Repeated images are kept once.
func Expand(ctx context.Context, lister TagLister, args []string, n int, dir string) ([]Image, error) {
	if n < 1 {
		n = DefaultTags
	}
	var out []Image
	seen := map[string]bool{}
	add := func(img Image) {
		if !seen[img.Name] {
			seen[img.Name] = true
			out = append(out, img)
		}
	}
	for _, a := range args {
		img, err := ParseImage(a, dir)
		if err != nil {
			return nil, err
		}
		if !IsRepository(img.Ref) {
			add(img)
			continue
		}
		repo := img.Ref.Repository()
		if lister == nil {
			return nil, fmt.Errorf("listing tags of %q: no way to list tags was given", repo)
		}
		all, err := lister.ListTags(ctx, repo)
		if err != nil {
			return nil, err
		}
		tags := Newest(all, n)
		if len(tags) == 0 {
			return nil, fmt.Errorf("listing tags of %q: none of its %d tags is a complete <sam-cli>-<YYYYMMDDhhmmss>-x86_64 tag", repo, len(all))
		}
		// The repository as the user wrote it, which a mirror or a
		// default registry may spell differently.
		written := strings.TrimSuffix(a, "/")
		for _, t := range tags {
			img, err := ParseImage(written+":"+t.Raw, dir)
			if err != nil {
				return nil, err
			}
			add(img)
		}
	}
	return out, nil
}

// FileInputs returns the runtime and Node.js images matrix.yaml names, each
// once, in the order of its pairs: registry images as their repository
// (whose tags a plan lists), local images as they are written.
func FileInputs(f *matrix.File) (runtimes, nodejs []string) {
	seen := map[string]bool{}
	pick := func(img matrix.Image, dst *[]string) {
		v := img.V
		if img.Ref.Transport == imageref.Registry {
			v = withoutIdentifier(img.V)
		}
		if !seen[v] {
			seen[v] = true
			*dst = append(*dst, v)
		}
	}
	for _, p := range f.Pairs {
		pick(p.Runtime, &runtimes)
	}
	for _, p := range f.Pairs {
		pick(p.NodeJS, &nodejs)
	}
	return runtimes, nodejs
}

// withoutIdentifier returns a registry reference as written without its tag
// and digest.
func withoutIdentifier(s string) string {
	s, _, _ = strings.Cut(s, "@")
	if i := strings.LastIndex(s, ":"); i > strings.LastIndex(s, "/") {
		s = s[:i]
	}
	return s
}

// FileDir is the directory the relative local paths of f are relative to.
func FileDir(f *matrix.File) string {
	if f == nil || f.Path == "" {
		return ""
	}
	return filepath.Dir(f.Path)
}
