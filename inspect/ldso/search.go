package ldso

import (
	"path"
	"slices"
	"strings"

	"github.com/sammatrix/sammatrix/inspect/elfabi"
	"github.com/sammatrix/sammatrix/inspect/fstree"
)

// DefaultDirs are the directories the x86-64 glibc loader searches last,
// after the ld.so.conf directories.
var DefaultDirs = []string{"/lib64", "/usr/lib64"}

// Values the loader substitutes for $LIB and $PLATFORM on x86-64.
const (
	libToken      = "lib64"
	platformToken = "x86_64"
)

// maxScannedDirs is how many directories SearchPath looks through for a
// duplicate before it keeps a set of them instead.
const maxScannedDirs = 32

// SearchPath returns, in the order the loader tries them, the directories
// searched for the DT_NEEDED entries of f, an object at objPath: its
// DT_RPATH (only when it has no DT_RUNPATH), then LD_LIBRARY_PATH (split on
// ':' and ';'), then its DT_RUNPATH, then ConfDirs, then DefaultDirs.
// $ORIGIN expands to the directory of objPath, $LIB to lib64 and $PLATFORM
// to x86_64, also in braces. Empty elements are skipped and duplicates
// removed, keeping the first. Unlike the real loader it ignores the RPATHs
// of the objects that loaded f.
func (l *Loader) SearchPath(objPath string, f *elfabi.File) []string {
	origin := path.Dir(objPath)
	ld := strings.FieldsFunc(l.ldLibraryPath, func(r rune) bool { return r == ':' || r == ';' })
	dirs := make([]string, 0, len(f.RPath)+len(ld)+len(f.RunPath)+len(l.conf)+len(DefaultDirs))
	// A search path is a handful of directories: looking through them is
	// cheaper than a set, until a long one (a hostile RPATH) makes it not.
	var seen map[string]bool
	add := func(list []string) {
		for _, d := range list {
			if d == "" {
				continue
			}
			d = path.Clean(expand(d, origin))
			if seen == nil && len(dirs) >= maxScannedDirs {
				seen = make(map[string]bool, 2*len(dirs))
				for _, d := range dirs {
					seen[d] = true
				}
			}
			if seen != nil {
				if seen[d] {
					continue
				}
				seen[d] = true
			} else if slices.Contains(dirs, d) {
				continue
			}
			dirs = append(dirs, d)
		}
	}
	if len(f.RunPath) == 0 {
		add(f.RPath)
	}
	add(ld)
	add(f.RunPath)
	add(l.conf)
	add(DefaultDirs)
	return dirs
}

// LibraryPath returns the directories the loader searches for a program
// without RPATH or RUNPATH: LD_LIBRARY_PATH, ConfDirs, then DefaultDirs.
func (l *Loader) LibraryPath() []string {
	return l.SearchPath("/", &elfabi.File{})
}

// expand substitutes the loader's dynamic string tokens in dir.
func expand(dir, origin string) string {
	if !strings.Contains(dir, "$") {
		return dir
	}
	return strings.NewReplacer(
		"${ORIGIN}", origin, "$ORIGIN", origin,
		"${LIB}", libToken, "$LIB", libToken,
		"${PLATFORM}", platformToken, "$PLATFORM", platformToken,
	).Replace(dir)
}

// Locate finds the library the loader takes for name. A name containing '/'
// is used as a path; otherwise name is tried in each of dirs in order, and
// the first that leads, through symlinks, to a regular file wins. ok is
// false when none does. The Lib returned has no NeededBy.
func (l *Loader) Locate(name string, dirs []string) (lib Lib, ok bool) {
	if isPath(name) {
		return l.open(name, name)
	}
	for _, d := range dirs {
		if lib, ok := l.open(name, strings.TrimSuffix(d, "/")+"/"+name); ok {
			return lib, true
		}
	}
	return Lib{}, false
}

// isPath reports whether a needed name is a path rather than a name to search.
func isPath(name string) bool { return strings.Contains(name, "/") }

// open returns the library at p if p leads to a regular file.
func (l *Loader) open(name, p string) (Lib, bool) {
	real, n, err := l.tree.Resolve(p)
	if err != nil || !regular(n) {
		return Lib{}, false
	}
	return Lib{Name: name, Link: p, Path: real, Node: n, ELF: n.Entry.ELF}, true
}

// regular reports whether a resolved node is a regular file: the merged
// tree holds directories, symlinks and files only.
func regular(n *fstree.Node) bool { return !n.IsDir() && !n.IsSymlink() }
