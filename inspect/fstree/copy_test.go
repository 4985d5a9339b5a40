package fstree

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func runtimeTree(t testing.TB) *Tree {
	return image(t, []ent{
		file("var/lang/bin/python3.12", "py"),
		symlink("var/lang/bin/python", "python3.12"),
		file("var/lang/lib/libssl.so.3", "runtime ssl"),
		symlink("var/lang/lib/libfoo.so", "libfoo.so.1"),
		file("var/lang/include/python.h", "h"),
		file("var/lang/share", "a file"),
		file("opt/runtime/x", "x"),
	})
}

func nodeTree(t testing.TB) *Tree {
	return image(t,
		[]ent{
			symlink("lang", "var/lang"),
			file("var/lang/bin/node", "node"),
			symlink("var/lang/bin/npm", "../lib/node_modules/npm/bin/npm-cli.js"),
			file("var/lang/lib/libssl.so.3", "node ssl"),
			file("var/lang/lib/libfoo.so", "real foo"),
			file("var/lang/include", "now a file"),
			file("var/lang/share/doc/node.md", "doc"),
		},
		[]ent{file("opt/nodejs/x", "x")},
	)
}

func replacedString(rs []Replaced) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s %s@%d→%s@%d", r.Path, r.Old.Entry.Kind, r.Old.Layer, r.New.Entry.Kind, r.New.Layer))
	}
	return out
}

func TestCopy(t *testing.T) {
	dst, src := runtimeTree(t), nodeTree(t)
	srcBefore := paths(t, src)
	replaced, err := dst.Copy(src, "/var/lang", "/var/lang", 5)
	if err != nil {
		t.Fatal(err)
	}
	wantReplaced := []string{
		"/var/lang/include dir@0→file@5",
		"/var/lang/lib/libfoo.so symlink@0→file@5",
		"/var/lang/lib/libssl.so.3 file@0→file@5",
		"/var/lang/share file@0→dir@5",
	}
	if got := replacedString(replaced); !slices.Equal(got, wantReplaced) {
		t.Errorf("Copy() replaced\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(wantReplaced, "\n\t"))
	}
	want := []string{
		"/opt dir 0", "/opt/runtime dir 0", "/opt/runtime/x file 0",
		"/var dir 0", "/var/lang dir 0",
		"/var/lang/bin dir 5", "/var/lang/bin/node file 5", "/var/lang/bin/npm symlink 5",
		"/var/lang/bin/python symlink 0", "/var/lang/bin/python3.12 file 0",
		"/var/lang/include file 5",
		"/var/lang/lib dir 5", "/var/lang/lib/libfoo.so file 5", "/var/lang/lib/libssl.so.3 file 5",
		"/var/lang/share dir 5", "/var/lang/share/doc dir 5", "/var/lang/share/doc/node.md file 5",
	}
	if got := paths(t, dst); !slices.Equal(got, want) {
		t.Errorf("tree after Copy() =\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
	if n, _ := dst.Lookup("/var/lang/bin/npm"); n.Entry.Link != "../lib/node_modules/npm/bin/npm-cli.js" {
		t.Errorf("copied symlink target = %q, want it unchanged", n.Entry.Link)
	}
	if n, _ := dst.Lookup("/var/lang/lib/libssl.so.3"); n.Entry.Fingerprint != fp("node ssl") {
		t.Errorf("copied file fingerprint = %q, want the source's", n.Entry.Fingerprint)
	}
	if got := paths(t, src); !slices.Equal(got, srcBefore) {
		t.Errorf("Copy() changed the source tree to\n\t%s", strings.Join(got, "\n\t"))
	}
	// The copy is independent of the source.
	src.Apply(2, scanLayer(t, whiteout("var/lang/bin/.wh.node")))
	if _, ok := dst.Lookup("/var/lang/bin/node"); !ok {
		t.Errorf("a whiteout applied to the source removed the copy")
	}
}

func TestCopyDestinations(t *testing.T) {
	tests := []struct {
		name     string
		dst      []ent
		srcPath  string
		dstPath  string
		want     []string
		replaced []string
	}{
		{
			name:    "destination through a symlink",
			dst:     []ent{symlink("var/lang", "/opt/lang"), file("opt/lang/bin/node", "old")},
			srcPath: "/var/lang/bin", dstPath: "/var/lang/bin",
			want:     []string{"/opt dir 0", "/opt/lang dir 0", "/opt/lang/bin dir 0", "/opt/lang/bin/node file 3", "/opt/lang/bin/npm symlink 3", "/var dir 0", "/var/lang symlink 0"},
			replaced: []string{"/opt/lang/bin/node file@0→file@3"},
		},
		{
			name:    "missing destination created",
			dst:     []ent{file("etc/hosts.so", "x")},
			srcPath: "/var/lang/share", dstPath: "/new/place",
			want: []string{"/etc dir 0", "/etc/hosts.so file 0", "/new dir 3", "/new/place dir 3", "/new/place/doc dir 3", "/new/place/doc/node.md file 3"},
		},
		{
			name:    "dangling destination link created at its target",
			dst:     []ent{symlink("opt", "data/opt")},
			srcPath: "/opt", dstPath: "/opt",
			want: []string{"/data dir 3", "/data/opt dir 3", "/data/opt/nodejs dir 3", "/data/opt/nodejs/x file 3", "/opt symlink 0"},
		},
		{
			name:    "source through a symlink",
			dst:     nil,
			srcPath: "/lang/share/", dstPath: "/s",
			want: []string{"/s dir 3", "/s/doc dir 3", "/s/doc/node.md file 3"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := image(t, tt.dst)
			replaced, err := dst.Copy(nodeTree(t), tt.srcPath, tt.dstPath, 3)
			if err != nil {
				t.Fatalf("Copy(%q, %q) error: %v", tt.srcPath, tt.dstPath, err)
			}
			if got := paths(t, dst); !slices.Equal(got, tt.want) {
				t.Errorf("tree after Copy(%q, %q) =\n\t%s\nwant\n\t%s", tt.srcPath, tt.dstPath, strings.Join(got, "\n\t"), strings.Join(tt.want, "\n\t"))
			}
			if got := replacedString(replaced); !slices.Equal(got, tt.replaced) {
				t.Errorf("Copy(%q, %q) replaced %q, want %q", tt.srcPath, tt.dstPath, got, tt.replaced)
			}
			err = dst.Walk("/", func(p string, n *Node) error {
				if p != "/" && n.Entry.Path != p {
					t.Errorf("node at %q has entry path %q", p, n.Entry.Path)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestCopyErrors(t *testing.T) {
	tests := []struct {
		name    string
		srcPath string
		dstPath string
		err     error
	}{
		{"missing source", "/var/missing", "/var/lang", ErrNotExist},
		{"source is a file", "/var/lang/bin/node", "/var/lang", ErrNotDir},
		{"destination is a file", "/var/lang", "/opt/runtime/x", ErrNotDir},
		{"destination through a file", "/var/lang", "/opt/runtime/x/y", ErrNotDir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := runtimeTree(t)
			before := paths(t, dst)
			_, err := dst.Copy(nodeTree(t), tt.srcPath, tt.dstPath, 1)
			if !errors.Is(err, tt.err) {
				t.Errorf("Copy(%q, %q) error = %v, want %v", tt.srcPath, tt.dstPath, err, tt.err)
			}
			if got := paths(t, dst); !slices.Equal(got, before) {
				t.Errorf("failed Copy(%q, %q) changed the tree to\n\t%s", tt.srcPath, tt.dstPath, strings.Join(got, "\n\t"))
			}
		})
	}
}

func TestCopyIntoItself(t *testing.T) {
	tree := image(t, []ent{file("var/lang/a", "a")})
	if _, err := tree.Copy(tree, "/var/lang", "/var/lang/sub", 1); err != nil {
		t.Fatal(err)
	}
	want := []string{"/var dir 0", "/var/lang dir 0", "/var/lang/a file 0", "/var/lang/sub dir 1", "/var/lang/sub/a file 1"}
	if got := paths(t, tree); !slices.Equal(got, want) {
		t.Errorf("tree after copying into itself =\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

func TestClone(t *testing.T) {
	orig := runtimeTree(t)
	before := paths(t, orig)
	c := orig.Clone()
	if got := paths(t, c); !slices.Equal(got, before) {
		t.Fatalf("Clone() =\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(before, "\n\t"))
	}
	if _, err := c.Copy(nodeTree(t), "/var/lang", "/var/lang", 7); err != nil {
		t.Fatal(err)
	}
	c.Apply(8, scanLayer(t, whiteout("opt/.wh.runtime"), dir("var/lang/")))
	if got := paths(t, orig); !slices.Equal(got, before) {
		t.Errorf("changing the clone changed the original to\n\t%s", strings.Join(got, "\n\t"))
	}
	c2 := orig.Clone()
	orig.Apply(1, scanLayer(t, whiteout("var/.wh.lang")))
	if got := paths(t, c2); !slices.Equal(got, before) {
		t.Errorf("changing the original changed the clone to\n\t%s", strings.Join(got, "\n\t"))
	}
}

func TestCopyFile(t *testing.T) {
	tests := []struct {
		name     string
		srcPath  string
		dstPath  string
		want     []string // paths of the tree under /opt after the copy
		replaced []string
	}{
		{"new file, parents created", "/var/lang/bin/node", "/opt/harness/bin/node",
			[]string{"/opt/harness dir 7", "/opt/harness/bin dir 7", "/opt/harness/bin/node file 7", "/opt/runtime dir 0", "/opt/runtime/x file 0"}, nil},
		{"replaces a file", "/var/lang/bin/node", "/opt/runtime/x",
			[]string{"/opt/runtime dir 0", "/opt/runtime/x file 7"}, []string{"/opt/runtime/x file@0→file@7"}},
		{"into a directory, under the source's name", "/var/lang/bin/node", "/opt/runtime",
			[]string{"/opt/runtime dir 0", "/opt/runtime/node file 7", "/opt/runtime/x file 0"}, nil},
		{"source through a symlink", "/lang/bin/node", "/opt/node",
			[]string{"/opt/node file 7", "/opt/runtime dir 0", "/opt/runtime/x file 0"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst, src := runtimeTree(t), nodeTree(t)
			replaced, err := dst.CopyFile(src, tt.srcPath, tt.dstPath, 7)
			if err != nil {
				t.Fatalf("CopyFile(%q, %q) error: %v", tt.srcPath, tt.dstPath, err)
			}
			var got []string
			for _, p := range paths(t, dst) {
				if strings.HasPrefix(p, "/opt/") {
					got = append(got, p)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("CopyFile(%q, %q) tree under /opt =\n\t%s\nwant\n\t%s", tt.srcPath, tt.dstPath, strings.Join(got, "\n\t"), strings.Join(tt.want, "\n\t"))
			}
			if got := replacedString(replaced); !slices.Equal(got, tt.replaced) {
				t.Errorf("CopyFile(%q, %q) replaced %q, want %q", tt.srcPath, tt.dstPath, got, tt.replaced)
			}
		})
	}
}

func TestCopyFileErrors(t *testing.T) {
	tests := []struct {
		name    string
		srcPath string
		dstPath string
		err     error
	}{
		{"missing source", "/var/missing", "/opt/x", ErrNotExist},
		{"source is a directory", "/var/lang/bin", "/opt/x", ErrIsDir},
		{"destination through a file", "/var/lang/bin/node", "/opt/runtime/x/node", ErrNotDir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := runtimeTree(t)
			before := paths(t, dst)
			_, err := dst.CopyFile(nodeTree(t), tt.srcPath, tt.dstPath, 1)
			if !errors.Is(err, tt.err) {
				t.Errorf("CopyFile(%q, %q) error = %v, want %v", tt.srcPath, tt.dstPath, err, tt.err)
			}
			if got := paths(t, dst); !slices.Equal(got, before) {
				t.Errorf("failed CopyFile(%q, %q) changed the tree to\n\t%s", tt.srcPath, tt.dstPath, strings.Join(got, "\n\t"))
			}
		})
	}
}
