package inspect

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/sammatrix/sammatrix/inspect/elfabi"
	"github.com/sammatrix/sammatrix/inspect/fstree"
	"github.com/sammatrix/sammatrix/inspect/layer"
	"github.com/sammatrix/sammatrix/inspect/ldso"
	"github.com/sammatrix/sammatrix/inspect/rpm"
	"github.com/sammatrix/sammatrix/matrix/recipe"
)

// Facts are what sammatrix knows of an image. A fact that could not be
// established is nil, never invented. Every fact names the layer it came from.
type Facts struct {
	Ref       string            `json:"ref"`
	Digest    string            `json:"digest"`
	Platform  string            `json:"platform"`
	OS        *OSRelease        `json:"os"`
	Libstdcxx *Libstdcxx        `json:"libstdcxx"`
	Glibc     *Glibc            `json:"glibc"`
	RPM       *RPM              `json:"rpm"`
	Node      *Node             `json:"node"`
	Env       map[string]string `json:"env"`
	// LibraryPath is the loader's search order for a program without RPATH
	// or RUNPATH: LD_LIBRARY_PATH, the ld.so.conf directories, /lib64, /usr/lib64.
	LibraryPath []string `json:"library_path"`
	// Trees sums up the trees the Dockerfile copies, /var/lang and /opt
	// (nil when the image has none).
	Trees    map[string]*TreeSummary `json:"trees"`
	Layers   []Layer                 `json:"layers"`
	Warnings []string                `json:"warnings,omitempty"`
}

// TreeSummary counts what a directory tree holds.
type TreeSummary struct {
	Files    int   `json:"files"`
	Dirs     int   `json:"dirs"`
	Symlinks int   `json:"symlinks"`
	Bytes    int64 `json:"bytes"`
	// ELF counts the files read as ELF objects (programs and libraries).
	ELF int `json:"elf"`
}

// OSRelease is what /etc/os-release says.
type OSRelease struct {
	ID         string `json:"id"`
	VersionID  string `json:"version_id"`
	PrettyName string `json:"pretty_name"`
	Path       string `json:"path"`
	Layer      string `json:"layer"`
}

// Libstdcxx is the libstdc++ the loader finds for "libstdc++.so.6".
type Libstdcxx struct {
	// Link is where the loader finds the soname, e.g. /lib64/libstdc++.so.6.
	Link string `json:"link"`
	// Path is the real file the soname resolves to.
	Path string `json:"path"`
	// Version is the file's version, e.g. "6.0.29".
	Version    string `json:"version"`
	MaxGLIBCXX string `json:"max_glibcxx"`
	MaxCXXABI  string `json:"max_cxxabi"`
	Layer      string `json:"layer"`
	// Files lists every libstdc++.so.6* in the library path.
	Files []string `json:"files"`
}

// Glibc is the C library the loader finds for "libc.so.6".
type Glibc struct {
	// Version is the highest GLIBC_ version libc.so.6 defines, e.g. "2.34".
	Version string `json:"version"`
	Path    string `json:"path"`
	// RPM is the version-release of the glibc package, if an rpm database says.
	RPM   string `json:"rpm"`
	Layer string `json:"layer"`
}

// RPM is the rpm database of the image.
type RPM struct {
	Path     string        `json:"path"`
	Format   rpm.Format    `json:"format"`
	Packages []rpm.Package `json:"packages"`
	Layer    string        `json:"layer"`
}

// Node is /var/lang/bin/node.
type Node struct {
	Path         string              `json:"path"`
	Version      string              `json:"version"`
	Needed       []string            `json:"needed"`
	VersionNeeds map[string][]string `json:"version_needs"`
	RunPath      []string            `json:"runpath"`
	RPath        []string            `json:"rpath"`
	Layer        string              `json:"layer"`
}

// FactsOf derives the facts of an image from its merged view and config.
func FactsOf(img *Image) *Facts {
	t := img.Tree
	f := &Facts{
		Ref:      img.Ref.String(),
		Digest:   img.Digest.String(),
		Platform: PlatformString(&img.Platform),
		Env:      Env(img.Config.Config.Env),
		Layers:   img.Layers,
		Warnings: slices.Clone(img.Warnings),
	}
	layerOf := func(n *fstree.Node) string {
		if n == nil || n.Layer < 0 || n.Layer >= len(img.Layers) {
			return ""
		}
		return img.Layers[n.Layer].Digest.String()
	}
	var warning string
	if f.OS, warning = osRelease(t, layerOf); warning != "" {
		f.Warnings = append(f.Warnings, warning)
	}
	ld := ldso.New(t, f.Env["LD_LIBRARY_PATH"])
	f.LibraryPath = ld.LibraryPath()
	f.RPM = rpmFacts(t, layerOf)
	f.Libstdcxx = libstdcxx(t, ld, f.LibraryPath, layerOf)
	f.Glibc = glibc(ld, f.LibraryPath, f.RPM, layerOf)
	f.Node = nodeFacts(t, layerOf)
	f.Trees = treeSummaries(t)
	return f
}

// Env turns a config's KEY=VALUE list into a map; a later key wins.
func Env(list []string) map[string]string {
	env := map[string]string{}
	for _, kv := range list {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return env
}

// osRelease reads /etc/os-release, or /usr/lib/os-release when the former
// does not exist, as os-release(5) says. An /etc/os-release that exists but
// cannot be read (a symlink loop, a directory) gives no fact and a warning.
func osRelease(t *fstree.Tree, layerOf func(*fstree.Node) string) (*OSRelease, string) {
	for _, p := range []string{"/etc/os-release", "/usr/lib/os-release"} {
		real, n, err := t.Resolve(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Sprintf("no os-release: %v", err)
		}
		// Data is nil both for an empty file and for one too large to keep.
		if n.Entry.Kind != layer.File || n.Entry.Data == nil && n.Entry.Size > 0 {
			return nil, fmt.Sprintf("no os-release: %q is not a readable text file", real)
		}
		kv := parseOSRelease(n.Entry.Data)
		return &OSRelease{ID: kv["ID"], VersionID: kv["VERSION_ID"], PrettyName: kv["PRETTY_NAME"], Path: real, Layer: layerOf(n)}, ""
	}
	return nil, ""
}

// osReleaseUnescape undoes the backslash escapes of a double-quoted os-release
// value. A Replacer builds its tables on first use, and only once.
var osReleaseUnescape = strings.NewReplacer(`\"`, `"`, `\\`, `\`, "\\$", "$", "\\`", "`")

// parseOSRelease parses os-release contents: KEY=value lines, values
// optionally in single or double quotes, comments ignored.
func parseOSRelease(data []byte) map[string]string {
	kv := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		switch {
		case len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'':
			v = v[1 : len(v)-1] // as the shell reads it: no escapes
		case len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"':
			v = osReleaseUnescape.Replace(v[1 : len(v)-1])
		}
		kv[k] = v
	}
	return kv
}

func rpmFacts(t *fstree.Tree, layerOf func(*fstree.Node) string) *RPM {
	for _, p := range rpm.Paths {
		real, n, err := t.Resolve(p)
		if err != nil || n.Entry.RPM == nil {
			continue
		}
		return &RPM{Path: real, Format: n.Entry.RPM.Format, Packages: n.Entry.RPM.Packages, Layer: layerOf(n)}
	}
	return nil
}

func libstdcxx(t *fstree.Tree, ld *ldso.Loader, dirs []string, layerOf func(*fstree.Node) string) *Libstdcxx {
	lib, ok := ld.Locate("libstdc++.so.6", dirs)
	if !ok {
		return nil
	}
	l := &Libstdcxx{Link: lib.Link, Path: lib.Path, Version: sharedLibVersion(lib.Path, "libstdc++.so."), Layer: layerOf(lib.Node), Files: []string{}}
	if e := lib.ELF; e != nil {
		l.MaxGLIBCXX = strings.TrimPrefix(elfabi.Max(e.Defines, "GLIBCXX_"), "GLIBCXX_")
		l.MaxCXXABI = strings.TrimPrefix(elfabi.Max(e.Defines, "CXXABI_"), "CXXABI_")
	}
	// /lib64 is a link to usr/lib64 in the SAM images: list the files of
	// each real directory once, under the first name the search meets.
	seen := map[string]bool{}
	for _, d := range dirs {
		realDir, _, err := t.Resolve(d)
		if err != nil || seen[realDir] {
			continue
		}
		seen[realDir] = true
		names, err := t.ReadDir(d)
		if err != nil {
			continue
		}
		for _, name := range names {
			if strings.HasPrefix(name, "libstdc++.so.6") {
				p := path.Join(d, name)
				if !slices.Contains(l.Files, p) {
					l.Files = append(l.Files, p)
				}
			}
		}
	}
	return l
}

// sharedLibVersion returns the version in a library's file name after
// prefix: "/usr/lib64/libstdc++.so.6.0.29" with prefix "libstdc++.so."
// gives "6.0.29".
func sharedLibVersion(p, prefix string) string {
	v, ok := strings.CutPrefix(path.Base(p), prefix)
	if !ok {
		return ""
	}
	return v
}

func glibc(ld *ldso.Loader, dirs []string, r *RPM, layerOf func(*fstree.Node) string) *Glibc {
	lib, ok := ld.Locate("libc.so.6", dirs)
	if !ok || lib.ELF == nil {
		return nil
	}
	g := &Glibc{Path: lib.Path, Version: strings.TrimPrefix(elfabi.Max(lib.ELF.Defines, "GLIBC_"), "GLIBC_"), Layer: layerOf(lib.Node)}
	if r != nil {
		if p := rpm.Find(r.Packages, "glibc"); p != nil {
			g.RPM = p.EVR()
		}
	}
	return g
}

func nodeFacts(t *fstree.Tree, layerOf func(*fstree.Node) string) *Node {
	real, n, err := t.Resolve(recipe.NodePath)
	if err != nil || n.Entry.Kind != layer.File {
		return nil
	}
	nd := &Node{Path: real, Version: n.Entry.Version, Layer: layerOf(n),
		Needed: []string{}, VersionNeeds: map[string][]string{}, RunPath: []string{}, RPath: []string{}}
	if nd.Version == "" {
		// A build without its release string still installs its headers.
		if _, h, err := t.Resolve(recipe.NodeVersionHeader); err == nil && h.Entry.Data != nil {
			nd.Version = parseNodeVersionHeader(h.Entry.Data)
		}
	}
	if e := n.Entry.ELF; e != nil {
		nd.Needed = append(nd.Needed, e.Needed...)
		nd.RunPath = append(nd.RunPath, e.RunPath...)
		nd.RPath = append(nd.RPath, e.RPath...)
		for lib, needs := range e.Needs {
			names := make([]string, len(needs))
			for i, need := range needs {
				names[i] = need.Name
			}
			slices.SortFunc(names, elfabi.Compare)
			nd.VersionNeeds[lib] = names
		}
	}
	return nd
}

// parseNodeVersionHeader reads NODE_MAJOR_VERSION, NODE_MINOR_VERSION and
// NODE_PATCH_VERSION from node_version.h: "v20.18.1", or "" when one is missing.
func parseNodeVersionHeader(data []byte) string {
	v := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && f[0] == "#define" && strings.HasPrefix(f[1], "NODE_") && strings.HasSuffix(f[1], "_VERSION") {
			if _, err := strconv.Atoi(f[2]); err == nil {
				v[f[1]] = f[2]
			}
		}
	}
	major, minor, patch := v["NODE_MAJOR_VERSION"], v["NODE_MINOR_VERSION"], v["NODE_PATCH_VERSION"]
	if major == "" || minor == "" || patch == "" {
		return ""
	}
	return "v" + major + "." + minor + "." + patch
}

func treeSummaries(t *fstree.Tree) map[string]*TreeSummary {
	out := map[string]*TreeSummary{}
	for _, dir := range recipe.Default.Trees() {
		if n, ok := t.Lookup(dir); !ok || !n.IsDir() {
			continue
		}
		sum := &TreeSummary{}
		_ = t.Walk(dir, func(p string, n *fstree.Node) error {
			switch n.Entry.Kind {
			case layer.Dir:
				if p != dir {
					sum.Dirs++
				}
			case layer.Symlink:
				sum.Symlinks++
			default:
				sum.Files++
				sum.Bytes += n.Entry.Size
				if n.Entry.ELF != nil {
					sum.ELF++
				}
			}
			return nil
		})
		out[dir] = sum
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
