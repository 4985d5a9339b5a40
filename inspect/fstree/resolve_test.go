package fstree

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"testing"
)

// deepDir is opt/1/2/.../20.
var deepDir = func() string {
	p := "opt"
	for i := 1; i <= 20; i++ {
		p += fmt.Sprintf("/%d", i)
	}
	return p
}()

// linkedTree is an image with the usual merged-/usr links, relative and
// absolute links, loops and a chain of 41 links.
func linkedTree(t testing.TB) *Tree {
	l := []ent{
		symlink("lib64", "usr/lib64"),
		symlink("lib", "usr/lib"),
		file("usr/lib64/libstdc++.so.6.0.29", "stdc++"),
		symlink("usr/lib64/libstdc++.so.6", "libstdc++.so.6.0.29"),
		file("usr/lib/os-release", "ID=amzn\n"),
		file("usr/lib/libonly-in-usr.so", "x"),
		symlink("etc/os-release", "../usr/lib/os-release"),
		symlink("etc/deep", "../../../../../usr/lib/os-release"),
		symlink("etc/abs", "/lib64/libstdc++.so.6"),
		symlink("etc/physical", "../lib64/../lib/os-release"),
		symlink("loop/a", "b"),
		symlink("loop/b", "a"),
		symlink("loop/self", "self"),
		symlink("loop/up", "../loop/up/x"),
		symlink("var/lang/lib/dangling", "/nowhere"),
		symlink("var/lang/lib/empty", ""),
		file("opt/f", "f"),
	}
	for i := range MaxLinks {
		l = append(l, symlink(fmt.Sprintf("chain/l%d", i), fmt.Sprintf("l%d", i+1)))
	}
	l = append(l, symlink(fmt.Sprintf("chain/l%d", MaxLinks), "/usr/lib/os-release"))
	// Deeper than the 16 components Resolve keeps without allocating.
	l = append(l, file(deepDir+"/f", "deep"), symlink("opt/deeplink", "/"+deepDir), symlink("opt/x/updown", "../../"+deepDir+"/../20"))
	return image(t, l)
}

func TestResolve(t *testing.T) {
	tree := linkedTree(t)
	tests := []struct {
		name string
		path string
		want string
		err  error
	}{
		{"relative link in a parent", "/lib64/libstdc++.so.6", "/usr/lib64/libstdc++.so.6.0.29", nil},
		{"link as the last component", "/lib64", "/usr/lib64", nil},
		{"relative link with ..", "/etc/os-release", "/usr/lib/os-release", nil},
		{".. clamped at the root", "/etc/deep", "/usr/lib/os-release", nil},
		{"absolute link through links", "/etc/abs", "/usr/lib64/libstdc++.so.6.0.29", nil},
		{".. in the path clamped", "/../../etc/os-release", "/usr/lib/os-release", nil},
		{".. after a link goes up from its target", "/lib64/../lib/libonly-in-usr.so", "/usr/lib/libonly-in-usr.so", nil},
		{".. after a link inside a link target", "/etc/physical", "/usr/lib/os-release", nil},
		{"relative path", "lib64/./libstdc++.so.6", "/usr/lib64/libstdc++.so.6.0.29", nil},
		{"root", "/", "/", nil},
		{"empty components", "//usr///lib//os-release", "/usr/lib/os-release", nil},
		{"22 components", "/" + deepDir + "/f", "/" + deepDir + "/f", nil},
		{"link to 21 components", "/opt/deeplink/f", "/" + deepDir + "/f", nil},
		{"link to 25 components with ..", "/opt/x/updown/f", "/" + deepDir + "/f", nil},
		{"plain file", "/opt/f", "/opt/f", nil},
		{"40 links", "/chain/l1", "/usr/lib/os-release", nil},
		{"41 links", "/chain/l0", "", ErrLoop},
		{"loop", "/loop/a", "", ErrLoop},
		{"loop in a parent", "/loop/a/x", "", ErrLoop},
		{"self loop", "/loop/self", "", ErrLoop},
		{"growing loop", "/loop/up", "", ErrLoop},
		{"dangling link", "/var/lang/lib/dangling", "", ErrNotExist},
		{"empty link", "/var/lang/lib/empty", "", ErrNotExist},
		{"missing", "/missing", "", ErrNotExist},
		{"missing parent", "/missing/x", "", ErrNotExist},
		{"through a file", "/etc/os-release/x", "", ErrNotDir},
		{"file then ..", "/opt/f/..", "", ErrNotDir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n, err := tree.Resolve(tt.path)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("Resolve(%q) = %q, %v, want error %v", tt.path, got, err, tt.err)
				}
				if tt.err != ErrLoop && !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("Resolve(%q) error %v does not wrap fs.ErrNotExist", tt.path, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Resolve(%q) = %q, %v, want %q", tt.path, got, err, tt.want)
			}
			if n == nil || n.IsSymlink() || n.Entry.Path != got {
				t.Errorf("Resolve(%q) node = %+v, want the node at %q", tt.path, n, got)
			}
		})
	}
}

func TestResolveParent(t *testing.T) {
	tree := linkedTree(t)
	tests := []struct {
		name    string
		path    string
		want    string
		symlink bool
		err     error
	}{
		{"link at the end not followed", "/lib64/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", true, nil},
		{"link itself", "/lib64", "/lib64", true, nil},
		{"file", "/lib/os-release", "/usr/lib/os-release", false, nil},
		{"missing last component", "/lib64/libnew.so", "/usr/lib64/libnew.so", false, ErrNotExist},
		{"loop in a parent", "/loop/a/x", "", false, ErrLoop},
		{"loop at the end", "/loop/a", "/loop/a", true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n, err := tree.ResolveParent(tt.path)
			if got != tt.want || !errors.Is(err, tt.err) {
				t.Fatalf("ResolveParent(%q) = %q, %v, want %q, %v", tt.path, got, err, tt.want, tt.err)
			}
			if err == nil && n.IsSymlink() != tt.symlink {
				t.Errorf("ResolveParent(%q) node kind = %q, want symlink %v", tt.path, n.Entry.Kind, tt.symlink)
			}
		})
	}
}

func TestReadDir(t *testing.T) {
	tree := linkedTree(t)
	got, err := tree.ReadDir("/lib64")
	if want := []string{"libstdc++.so.6", "libstdc++.so.6.0.29"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("ReadDir(/lib64) = %q, %v, want %q", got, err, want)
	}
	if _, err := tree.ReadDir("/etc/os-release"); !errors.Is(err, ErrNotDir) {
		t.Errorf("ReadDir(/etc/os-release) error = %v, want ErrNotDir", err)
	}
	if _, err := tree.ReadDir("/missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadDir(/missing) error = %v, want fs.ErrNotExist", err)
	}
}

func TestWalk(t *testing.T) {
	tree := linkedTree(t)
	var got []string
	err := tree.Walk("/usr", func(p string, n *Node) error {
		got = append(got, p)
		return nil
	})
	want := []string{"/usr", "/usr/lib", "/usr/lib/libonly-in-usr.so", "/usr/lib/os-release", "/usr/lib64", "/usr/lib64/libstdc++.so.6", "/usr/lib64/libstdc++.so.6.0.29"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Walk(/usr) visited %q, %v, want %q", got, err, want)
	}

	got = nil
	err = tree.Walk("/lib64", func(p string, n *Node) error {
		got = append(got, p)
		return nil
	})
	if err != nil || !slices.Equal(got, []string{"/lib64"}) {
		t.Errorf("Walk(/lib64) visited %q, %v, want only the link", got, err)
	}

	got = nil
	err = tree.Walk("/", func(p string, n *Node) error {
		got = append(got, p)
		if n.IsDir() && p != "/" {
			return fs.SkipDir
		}
		return nil
	})
	if err != nil || !slices.Contains(got, "/usr") || slices.Contains(got, "/usr/lib") {
		t.Errorf("Walk(/) with SkipDir visited %q, %v, want top-level names only", got, err)
	}

	stop := errors.New("stop")
	if err := tree.Walk("/", func(string, *Node) error { return stop }); err != stop {
		t.Errorf("Walk() error = %v, want the callback's error", err)
	}
	if err := tree.Walk("/missing", func(string, *Node) error { return nil }); !errors.Is(err, ErrNotExist) {
		t.Errorf("Walk(/missing) error = %v, want ErrNotExist", err)
	}
}
