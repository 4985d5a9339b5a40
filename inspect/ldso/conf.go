package ldso

import (
	"path"
	"strings"

	"github.com/sammatrix/sammatrix/inspect/fstree"
)

// ConfPath is the loader's configuration file.
const ConfPath = "/etc/ld.so.conf"

// MaxIncludeDepth bounds the nesting of include lines that ld.so.conf is
// followed through.
const MaxIncludeDepth = 8

// ParseConf parses the content of ld.so.conf (or a file it includes) into
// its directories and its include patterns, each in order. Relative include
// patterns are made relative to /etc; comments starting with '#' and "hwcap"
// lines are dropped; trailing slashes are removed from directories.
func ParseConf(data []byte) (dirs []string, includes []string) {
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

// confDirs returns the directories ConfPath in t names, following its
// include lines (glob patterns, in sorted order) at most MaxIncludeDepth
// deep and reading each file once. A file that is missing or whose contents
// the scan did not keep names nothing.
func confDirs(t *fstree.Tree) []string {
	var dirs []string
	seen := map[string]bool{}
	var read func(p string, depth int)
	read = func(p string, depth int) {
		if depth > MaxIncludeDepth || seen[p] {
			return
		}
		seen[p] = true
		_, n, err := t.Resolve(p)
		if err != nil || n.Entry.Data == nil {
			return
		}
		ds, includes := ParseConf(n.Entry.Data)
		dirs = append(dirs, ds...)
		for _, pattern := range includes {
			for _, m := range glob(t, pattern) {
				read(m, depth+1)
			}
		}
	}
	read(ConfPath, 0)
	return dirs
}

// glob matches a pattern whose last element may hold wildcards, in sorted order.
func glob(t *fstree.Tree, pattern string) []string {
	dir, base := path.Split(pattern)
	names, err := t.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, name := range names {
		if ok, _ := path.Match(base, name); ok {
			out = append(out, path.Join(dir, name))
		}
	}
	return out
}
