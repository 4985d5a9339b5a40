package fstree

import (
	"archive/tar"
	"bytes"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/layer"
	"github.com/sammatrix/sammatrix/inspect/scan"
)

// ent is one tar entry of a test layer.
type ent struct {
	name string
	typ  byte // tar.TypeReg when 0
	body string
	link string
}

func file(name, body string) ent   { return ent{name: name, body: body} }
func dir(name string) ent          { return ent{name: name, typ: tar.TypeDir} }
func symlink(name, to string) ent  { return ent{name: name, typ: tar.TypeSymlink, link: to} }
func hardlink(name, to string) ent { return ent{name: name, typ: tar.TypeLink, link: to} }
func whiteout(name string) ent     { return file(name, "") }

// scanLayer writes the entries to a tar stream and scans it.
func scanLayer(t testing.TB, entries ...ent) *layer.Index {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Linkname: e.link, Mode: 0o644, Size: int64(len(e.body))}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		} else {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	idx, err := scan.Tar(&buf, scan.Options{TempDir: t.TempDir()})
	if err != nil {
		t.Fatalf("scan.Tar() error: %v", err)
	}
	return idx
}

// image applies the layers in order to a new tree.
func image(t testing.TB, layers ...[]ent) *Tree {
	tree := New()
	for i, l := range layers {
		tree.Apply(i, scanLayer(t, l...))
	}
	return tree
}

// paths lists every path of the tree with its kind and layer, in lexical
// order: "/usr/lib64/libc.so.6 file 0".
func paths(t testing.TB, tree *Tree) []string {
	var out []string
	err := tree.Walk("/", func(p string, n *Node) error {
		if p != "/" {
			out = append(out, p+" "+string(n.Entry.Kind)+" "+string(rune('0'+n.Layer)))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
