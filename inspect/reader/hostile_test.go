package reader

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/fixture"
)

// Contents of the hostile images.
const (
	usrOSRelease = "ID=amzn\nVERSION_ID=\"2023\"\nPRETTY_NAME=\"from /usr/lib\"\n"
	etcOSRelease = "ID=amzn\nVERSION_ID=\"2\"\nPRETTY_NAME=\"from /etc\"\n"
)

// Files the hostile images are made of.
func reg(p string, data []byte) fixture.File { return fixture.File{Path: p, Data: data} }
func dir(p string) fixture.File              { return fixture.File{Path: p, Type: fixture.Dir} }
func link(p, to string) fixture.File         { return fixture.File{Path: p, Type: fixture.Symlink, Link: to} }
func hardlink(p, to string) fixture.File {
	return fixture.File{Path: p, Type: fixture.Hardlink, Link: to}
}
func whiteout(p string) fixture.File { return fixture.File{Path: p, Type: fixture.Whiteout} }
func opaque(p string) fixture.File   { return fixture.File{Path: p, Type: fixture.Opaque} }

// hostile inspects an image of layers read from an OCI layout.
func hostile(t *testing.T, layers ...[]fixture.File) (*inspect.Image, []v1.Hash) {
	t.Helper()
	img := image(t, layers...)
	ref := "oci:" + writeLayout(t, map[string]v1.Image{"hostile": img}) + ":hostile"
	return mustInspect(t, newInspector(t, Options{}), ref), layerDigests(t, img)
}

// names returns the names in directory p of the merged tree, or the error.
func names(img *inspect.Image, p string) string {
	ns, err := img.Tree.ReadDir(p)
	if err != nil {
		return "error: " + err.Error()
	}
	return strings.Join(ns, " ")
}

func hasWarning(ws []string, substr string) bool {
	return slices.ContainsFunc(ws, func(w string) bool { return strings.Contains(w, substr) })
}

func TestHostileChangesets(t *testing.T) {
	node := input(t, "elf/node20/node")
	ssl := input(t, "elf/node20/libssl.so.3")
	crypto := input(t, "elf/node20/libcrypto.so.3")
	base := fixture.WithParents([]fixture.File{
		reg("var/lang/bin/node", node),
		reg("var/lang/lib/libssl.so.3", ssl),
		reg("etc/os-release", []byte(etcOSRelease)),
		reg("usr/lib/os-release", []byte(usrOSRelease)),
	})

	t.Run("whiteout of files", func(t *testing.T) {
		img, _ := hostile(t, base, fixture.WithParents([]fixture.File{
			whiteout("var/lang/bin/node"), whiteout("etc/os-release"),
		}))
		if _, ok := img.Tree.Lookup("/var/lang/bin/node"); ok || img.Facts.Node != nil {
			t.Errorf("Inspect(whited-out node).Facts.Node = %+v, want nil", img.Facts.Node)
		}
		if os := img.Facts.OS; os == nil || os.Path != "/usr/lib/os-release" || os.PrettyName != "from /usr/lib" {
			t.Errorf("Inspect(whited-out /etc/os-release).Facts.OS = %+v, want /usr/lib/os-release's", os)
		}
	})

	t.Run("whiteout of a directory", func(t *testing.T) {
		img, _ := hostile(t, base, []fixture.File{whiteout("var/lang")})
		if got := names(img, "/var"); got != "" {
			t.Errorf("Inspect(whited-out /var/lang): /var holds %q, want nothing", got)
		}
		if img.Facts.Node != nil {
			t.Errorf("Inspect(whited-out /var/lang).Facts.Node = %+v, want nil", img.Facts.Node)
		}
	})

	t.Run("opaque directory", func(t *testing.T) {
		img, _ := hostile(t, base, fixture.WithParents([]fixture.File{
			dir("var/lang/lib"), opaque("var/lang/lib"), reg("var/lang/lib/libcrypto.so.3", crypto),
		}))
		if got := names(img, "/var/lang/lib"); got != "libcrypto.so.3" {
			t.Errorf("Inspect(opaque /var/lang/lib): /var/lang/lib holds %q, want libcrypto.so.3 only", got)
		}
		if img.Facts.Node == nil {
			t.Errorf("Inspect(opaque /var/lang/lib).Facts.Node = nil, want /var/lang/bin/node, which is outside the opaque directory")
		}
	})

	t.Run("opaque marker after the new files", func(t *testing.T) {
		// The marker hides the layers below only, wherever it is in the archive.
		img, _ := hostile(t, base, []fixture.File{
			reg("var/lang/lib/libcrypto.so.3", crypto), opaque("var/lang/lib"),
		})
		if got := names(img, "/var/lang/lib"); got != "libcrypto.so.3" {
			t.Errorf("Inspect(late opaque marker): /var/lang/lib holds %q, want libcrypto.so.3 only", got)
		}
	})

	t.Run("replaced file", func(t *testing.T) {
		img, layers := hostile(t, base, []fixture.File{
			reg("etc/os-release", []byte("ID=replaced\nVERSION_ID=9\n")),
		})
		want := inspect.OSRelease{ID: "replaced", VersionID: "9", Path: "/etc/os-release", Layer: layers[1].String()}
		if os := img.Facts.OS; os == nil || *os != want {
			t.Errorf("Inspect(replaced /etc/os-release).Facts.OS = %+v, want %+v", os, want)
		}
	})

	t.Run("directory replaced by a file", func(t *testing.T) {
		img, _ := hostile(t, base, []fixture.File{reg("var/lang/lib", []byte("not a directory\n"))})
		if n, ok := img.Tree.Lookup("/var/lang/lib"); !ok || n.IsDir() {
			t.Errorf("Inspect(file over directory): /var/lang/lib is %+v, want a file", n)
		}
		if _, ok := img.Tree.Lookup("/var/lang/lib/libssl.so.3"); ok {
			t.Errorf("Inspect(file over directory): /var/lang/lib/libssl.so.3 is still there, want it gone with its directory")
		}
	})

	t.Run("file replaced by a directory", func(t *testing.T) {
		img, _ := hostile(t, base, fixture.WithParents([]fixture.File{
			dir("var/lang/bin/node"), reg("var/lang/bin/node/x", []byte("x\n")),
		}))
		if img.Facts.Node != nil {
			t.Errorf("Inspect(directory /var/lang/bin/node).Facts.Node = %+v, want nil", img.Facts.Node)
		}
		if got := names(img, "/var/lang/bin/node"); got != "x" {
			t.Errorf("Inspect(directory /var/lang/bin/node): it holds %q, want x", got)
		}
	})

	t.Run("os-release replaced by a directory", func(t *testing.T) {
		img, _ := hostile(t, base, []fixture.File{dir("etc/os-release"), reg("etc/os-release/x", []byte("x"))})
		if img.Facts.OS != nil || !hasWarning(img.Facts.Warnings, "os-release") {
			t.Errorf("Inspect(directory /etc/os-release).Facts.OS = %+v, warnings %q, want nil and a warning", img.Facts.OS, img.Facts.Warnings)
		}
	})

	t.Run("hardlink whose other name is deleted", func(t *testing.T) {
		// A tar hardlink names an earlier entry: the file comes first.
		img, _ := hostile(t, fixture.WithParents([]fixture.File{
			reg("var/lang/bin/node", node),
			hardlink("var/lang/bin/node-bin", "var/lang/bin/node"),
		}), []fixture.File{whiteout("var/lang/bin/node")})
		n, ok := img.Tree.Lookup("/var/lang/bin/node-bin")
		if !ok || n.Entry.Kind != "file" || n.Entry.ELF == nil || !strings.HasPrefix(n.Entry.Version, "v20.") || n.Layer != 0 {
			t.Errorf("Inspect(hardlinked node): /var/lang/bin/node-bin = %+v, want a file of layer 0 with node's ELF facts and version", n)
		}
		if img.Facts.Node != nil {
			t.Errorf("Inspect(hardlinked node).Facts.Node = %+v, want nil: /var/lang/bin/node is whited out", img.Facts.Node)
		}
	})

	t.Run("hardlink at the node path", func(t *testing.T) {
		img, layers := hostile(t, []fixture.File{
			dir("var"), dir("var/lang"), dir("var/lang/bin"),
			reg("var/lang/bin/node-real", node),
			hardlink("var/lang/bin/node", "var/lang/bin/node-real"),
		}, []fixture.File{whiteout("var/lang/bin/node-real")})
		n := img.Facts.Node
		// The scan meets node-real first; the release is read from every
		// program of /var/lang/bin, so the hard link named node has it too.
		if n == nil || n.Layer != layers[0].String() || n.Version == "" ||
			!slices.Contains(n.Needed, "libstdc++.so.6") || !slices.Contains(n.VersionNeeds["libstdc++.so.6"], "GLIBCXX_3.4.26") {
			t.Errorf("Inspect(node hardlinked to a deleted file).Facts.Node = %+v, want node of layer 0 needing GLIBCXX_3.4.26", n)
		}
	})
}

func TestHostileSymlinks(t *testing.T) {
	stdcxx := input(t, "elf/al2023/libstdc++.so.6.0.29")
	libc := input(t, "elf/al2023/libc.so.6")
	libs := []fixture.File{
		reg("usr/lib64/libstdc++.so.6.0.29", stdcxx),
		link("usr/lib64/libstdc++.so.6", "libstdc++.so.6.0.29"),
		reg("usr/lib64/libc.so.6", libc),
		reg("usr/lib/os-release", []byte(usrOSRelease)),
	}
	for _, tc := range []struct {
		name   string
		links  []fixture.File
		osPath string
	}{
		{name: "relative", osPath: "/usr/lib/os-release",
			links: []fixture.File{link("lib64", "usr/lib64"), link("etc/os-release", "../usr/lib/os-release")}},
		{name: "absolute", osPath: "/usr/lib/os-release",
			links: []fixture.File{link("lib64", "/usr/lib64"), link("etc/os-release", "/usr/lib/os-release")}},
		{name: "above the root", osPath: "/usr/lib/os-release",
			links: []fixture.File{link("lib64", "../../../usr/lib64"), link("etc/os-release", "../../../../usr/lib/os-release")}},
		{name: "chained", osPath: "/usr/lib/os-release",
			links: []fixture.File{link("lib64", "usr/lib64-link/"), link("usr/lib64-link", "./lib64"),
				link("etc/os-release", "../usr/lib/../lib/os-release")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The links come in a later layer than the files they lead to.
			img, layers := hostile(t, fixture.WithParents(libs), fixture.WithParents(tc.links))
			f := img.Facts
			wantLib := inspect.Libstdcxx{Link: "/lib64/libstdc++.so.6", Path: "/usr/lib64/libstdc++.so.6.0.29", Version: "6.0.29",
				MaxGLIBCXX: "3.4.29", MaxCXXABI: "1.3.13", Layer: layers[0].String(),
				Files: []string{"/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6.0.29"}}
			if f.Libstdcxx == nil || factsJSON(t, &inspect.Facts{Libstdcxx: f.Libstdcxx}) != factsJSON(t, &inspect.Facts{Libstdcxx: &wantLib}) {
				t.Errorf("Inspect(%s links).Facts.Libstdcxx = %+v, want %+v", tc.name, f.Libstdcxx, wantLib)
			}
			if f.Glibc == nil || f.Glibc.Version != "2.34" || f.Glibc.Path != "/usr/lib64/libc.so.6" {
				t.Errorf("Inspect(%s links).Facts.Glibc = %+v, want 2.34 at /usr/lib64/libc.so.6", tc.name, f.Glibc)
			}
			if f.OS == nil || f.OS.Path != tc.osPath || f.OS.ID != "amzn" {
				t.Errorf("Inspect(%s links).Facts.OS = %+v, want amzn from %s", tc.name, f.OS, tc.osPath)
			}
		})
	}
}

func TestHostileSymlinkLoops(t *testing.T) {
	stdcxx := input(t, "elf/al2023/libstdc++.so.6.0.29")
	for _, tc := range []struct {
		name  string
		files []fixture.File
	}{
		{name: "self", files: []fixture.File{
			link("etc/os-release", "os-release"),
			reg("usr/lib/os-release", []byte(usrOSRelease)),
		}},
		{name: "cycle", files: []fixture.File{
			link("etc/os-release", "../usr/lib/os-release"),
			link("usr/lib/os-release", "/etc/os-release"),
			link("lib64", "usr/lib64"),
			link("usr/lib64", "../lib64"),
			reg("var/lang/lib/libstdc++.so.6.0.29", stdcxx),
			link("var/lang/lib/libstdc++.so.6", "libstdc++.so.6"),
		}},
		{name: "parent", files: []fixture.File{
			link("etc", "etc/x"),
			reg("usr/lib/os-release", []byte(usrOSRelease)),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, _ := hostile(t, fixture.WithParents(tc.files))
			f := img.Facts
			// os-release(5): /usr/lib/os-release is read only when
			// /etc/os-release does not exist; a loop is not that.
			if f.OS != nil || !hasWarning(f.Warnings, "too many levels of symbolic links") {
				t.Errorf("Inspect(%s loop).Facts.OS = %+v, warnings %q, want nil and a warning about the loop", tc.name, f.OS, f.Warnings)
			}
			if f.Libstdcxx != nil {
				t.Errorf("Inspect(%s loop).Facts.Libstdcxx = %+v, want nil", tc.name, f.Libstdcxx)
			}
		})
	}
}

func TestHostileEscapes(t *testing.T) {
	// Names unique to this run, so that an escape cannot be mistaken for
	// a file someone else left.
	tag := filepath.Base(t.TempDir())
	escapes := []string{
		"../sammatrix-escape-" + tag,
		"./../../sammatrix-escape-" + tag,
		"var/lang/../../../sammatrix-escape-" + tag,
		"/../sammatrix-escape-abs-" + tag,
	}
	node := input(t, "elf/node20/node")
	files := fixture.WithParents([]fixture.File{reg("var/lang/bin/node", node)})
	for _, p := range escapes {
		files = append(files, reg(p, []byte("escaped\n")))
	}
	files = append(files,
		hardlink("var/lang/bin/passwd", "../../etc/passwd"),
		link("var/lang/bin/up", "../../../../../../.."),
	)
	img := image(t, files)
	layout := writeLayout(t, map[string]v1.Image{"escape": img})
	archive := filepath.Join(t.TempDir(), "escape.tar")
	tarDir(t, layout, archive)

	for _, ref := range []string{"oci:" + layout, "oci-archive:" + archive} {
		t.Run(ref[:strings.Index(ref, ":")], func(t *testing.T) {
			tmp := t.TempDir()
			got := mustInspect(t, newInspector(t, Options{TempDir: tmp}), ref)
			for _, p := range escapes {
				if !hasWarning(got.Warnings, p) || !hasWarning(got.Facts.Warnings, p) {
					t.Errorf("Inspect(%q) warnings = %q, facts warnings %q, want one naming %q", ref, got.Warnings, got.Facts.Warnings, p)
				}
			}
			if !hasWarning(got.Warnings, "../../etc/passwd") {
				t.Errorf("Inspect(%q) warnings = %q, want one naming the hardlink target ../../etc/passwd", ref, got.Warnings)
			}
			if got.Facts.Node == nil {
				t.Errorf("Inspect(%q).Facts.Node = nil, want the node of the layer despite its bad entries", ref)
			}
			if got := names(got, "/"); got != "var" {
				t.Errorf("Inspect(%q): / holds %q, want var only", ref, got)
			}
			emptyDir(t, tmp)
			for _, p := range escapes {
				for _, d := range []string{"..", filepath.Dir(tmp), filepath.Dir(filepath.Dir(tmp))} {
					q := filepath.Join(d, filepath.Base(p))
					if _, err := os.Lstat(q); !errors.Is(err, fs.ErrNotExist) {
						t.Errorf("Inspect(%q) wrote %s (lstat: %v), want nothing outside the temporary directory", ref, q, err)
					}
				}
			}
		})
	}
}
