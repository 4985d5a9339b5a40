package scan

import (
	"path"
	"slices"
	"strings"

	"github.com/sammatrix/sammatrix/inspect/rpm"
	"github.com/sammatrix/sammatrix/matrix/recipe"
)

// Whiteout file name prefixes of the OCI image-spec changesets.
const (
	whiteoutPrefix = ".wh."
	whiteoutMeta   = ".wh..wh."
	opaqueName     = ".wh..wh..opq"
)

// cleanName turns a tar entry name into an absolute clean path. It reports
// false when the name escapes the layer root.
func cleanName(name string) (string, bool) {
	name = strings.TrimLeft(name, "/")
	for strings.HasPrefix(name, "./") {
		name = strings.TrimLeft(name[2:], "/")
	}
	c := path.Clean(name)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", false
	}
	if c == "." {
		return "/", true
	}
	return "/" + c, true
}

// treeRoots are the trees the build recipe copies into the runtime image:
// everything under them is kept.
var treeRoots = recipe.Default.Trees()

// libDirs are directories kept as entries themselves, whatever their layer.
var libDirs = [...]string{"/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib", "/usr/local/lib64"}

// textFiles are small text files whose contents are kept, wherever they
// are: /etc may be a link to another directory.
var textFiles = [...]string{"os-release", "system-release", "ld.so.conf", "node_version.h"}

// ldSoConfDir is the name of the directories whose files are kept as text files.
const ldSoConfDir = "ld.so.conf.d"

// watched are the places facts are read from. An entry of any kind at one
// of them, or at one of their parents, is kept, so that a later layer that
// replaces it (a file where a directory was, a directory where a file was)
// is seen.
var watched = slices.Concat(
	[]string{"/etc/os-release", "/usr/lib/os-release", "/etc/system-release", "/etc/ld.so.conf", "/etc/ld.so.conf.d"},
	rpmDirs(), treeRoots, libDirs[:],
)

// rpmDirs are the directories of the places rpm keeps its database.
func rpmDirs() []string {
	var dirs []string
	for _, p := range rpm.Paths {
		if d := path.Dir(p); !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// isWatched reports whether p is one of the watched places or a parent of one.
func isWatched(p string) bool {
	for _, w := range watched {
		if p == w || under(w, p) || p == "/" {
			return true
		}
	}
	return false
}

// under reports whether path p is below directory dir, without building
// dir+"/" for every entry of every layer.
func under(p, dir string) bool {
	return len(p) > len(dir) && p[len(dir)] == '/' && strings.HasPrefix(p, dir)
}

// inTree reports whether p is /var/lang, /opt or under one of them.
func inTree(p string) bool {
	for _, r := range treeRoots {
		if p == r || under(p, r) {
			return true
		}
	}
	return false
}

// isLibDir reports whether the directory p is kept for the loader search path.
func isLibDir(p string) bool {
	for _, d := range libDirs {
		if p == d {
			return true
		}
	}
	return false
}

// isText reports whether p is a small text file whose contents are kept.
func isText(p string) bool {
	base := path.Base(p)
	for _, f := range textFiles {
		if base == f {
			return true
		}
	}
	return path.Base(path.Dir(p)) == ldSoConfDir
}

// isSharedLib reports whether the base name of p looks like a shared
// library: "*.so" or "*.so.<digits and dots>".
func isSharedLib(p string) bool {
	base := path.Base(p)
	for i := strings.Index(base, ".so"); i >= 0; {
		rest := base[i+len(".so"):]
		if i > 0 && (rest == "" || rest[0] == '.' && versionSuffix(rest[1:])) {
			return true
		}
		j := strings.Index(rest, ".so")
		if j < 0 {
			break
		}
		i += len(".so") + j
	}
	return false
}

// versionSuffix reports whether s is made of digits and dots, with a digit.
func versionSuffix(s string) bool {
	digit := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digit = true
		case c == '.':
		default:
			return false
		}
	}
	return digit
}

// wantDir reports whether a directory entry at p is kept.
func wantDir(p string) bool {
	return inTree(p) || isLibDir(p) || isWatched(p) || path.Base(p) == ldSoConfDir
}
