package elfabi

import (
	"path"
	"strings"
)

// DefaultDirs are the directories the x86-64 glibc loader searches last,
// after the ld.so.conf cache.
var DefaultDirs = []string{"/lib64", "/usr/lib64"}

// Values the loader substitutes for $LIB and $PLATFORM on x86-64.
const (
	libToken      = "lib64"
	platformToken = "x86_64"
)

// FS is the view of an image the loader searches.
type FS interface {
	// Resolve follows symlinks and returns the real path of a regular
	// file; ok is false if the file is absent.
	Resolve(path string) (real string, ok bool)
}

// SearchPath returns, in the order the glibc dynamic loader tries them, the
// directories searched for the DT_NEEDED entries of f, an object at objPath:
// its DT_RPATH (only when it has no DT_RUNPATH), then ldLibraryPath (split on
// ':' and ';'), then its DT_RUNPATH, then ldSoConf (directories already
// expanded by the caller), then DefaultDirs. $ORIGIN expands to the
// directory of objPath, $LIB to lib64 and $PLATFORM to x86_64, also in
// braces. Empty elements are skipped and duplicates removed, keeping the
// first. Unlike the real loader it ignores the RPATHs of the objects that
// loaded f.
func SearchPath(f *File, objPath, ldLibraryPath string, ldSoConf []string) []string {
	origin := path.Dir(objPath)
	var dirs []string
	seen := make(map[string]bool)
	add := func(list []string) {
		for _, d := range list {
			if d == "" {
				continue
			}
			d = path.Clean(expand(d, origin))
			if !seen[d] {
				seen[d] = true
				dirs = append(dirs, d)
			}
		}
	}
	if len(f.RunPath) == 0 {
		add(f.RPath)
	}
	add(strings.FieldsFunc(ldLibraryPath, func(r rune) bool { return r == ':' || r == ';' }))
	add(f.RunPath)
	add(ldSoConf)
	add(DefaultDirs)
	return dirs
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

// Locate finds the needed library name. A name containing '/' is used as a
// path; otherwise each of dirs is tried in order. It returns the path tried
// (such as /var/lang/lib/libssl.so.3), the real path fsys resolves it to,
// and whether it was found.
func Locate(fsys FS, name string, dirs []string) (path, real string, ok bool) {
	if strings.Contains(name, "/") {
		if real, ok := fsys.Resolve(name); ok {
			return name, real, true
		}
		return "", "", false
	}
	for _, d := range dirs {
		p := strings.TrimSuffix(d, "/") + "/" + name
		if real, ok := fsys.Resolve(p); ok {
			return p, real, true
		}
	}
	return "", "", false
}

// ParseLDSoConf parses the content of /etc/ld.so.conf (or a file it
// includes) into its directories and its include patterns, each in order.
// Relative include patterns are made relative to /etc; comments starting
// with '#' and "hwcap" lines are dropped; trailing slashes are removed from
// directories.
func ParseLDSoConf(data []byte) (dirs []string, includes []string) {
	for _, line := range strings.Split(string(data), "\n") {
		line, _, _ = strings.Cut(line, "#")
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		switch fields[0] {
		case "include":
			for _, p := range fields[1:] {
				if !strings.HasPrefix(p, "/") {
					p = "/etc/" + p
				}
				includes = append(includes, p)
			}
			continue
		case "hwcap":
			continue
		}
		dir := strings.TrimSpace(line)
		for len(dir) > 1 && strings.HasSuffix(dir, "/") {
			dir = dir[:len(dir)-1]
		}
		dirs = append(dirs, dir)
	}
	return dirs, includes
}
