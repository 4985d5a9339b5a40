package fstree

import (
	"path"

	"github.com/sammatrix/sammatrix/inspect/scan"
)

// Apply puts layer number layer, described by idx, on top of the tree, by the
// OCI image-spec changeset rules. First the layer's whiteouts and opaque
// markers remove entries of the layers below, wherever they are in the
// archive. Then its entries are added in archive order, a later one replacing
// an earlier one at the same path: a non-directory replaces a directory with
// its subtree, a directory over a directory keeps the children and takes the
// new metadata, and missing parents are created as directories. Paths are
// applied literally, not through symlinks of the layers below. A hardlink the
// scan could not bind becomes a File without facts.
func (t *Tree) Apply(layer int, idx *scan.Index) {
	for i := range idx.Entries {
		e := &idx.Entries[i]
		switch e.Kind {
		case scan.Whiteout:
			t.remove(e.Path)
		case scan.Opaque:
			if n, ok := t.Lookup(e.Path); ok && n.IsDir() {
				clear(n.children)
			}
		}
	}
	for i := range idx.Entries {
		e := &idx.Entries[i]
		switch e.Kind {
		case scan.Whiteout, scan.Opaque:
			continue
		case scan.Hardlink:
			f := *e
			f.Kind = scan.File
			e = &f
		}
		t.put(e, layer)
	}
}

// remove deletes the node at p with its subtree, if there is one.
func (t *Tree) remove(p string) {
	p = path.Clean("/" + p)
	if p == "/" {
		return
	}
	if parent, ok := t.Lookup(path.Dir(p)); ok && parent.children != nil {
		delete(parent.children, path.Base(p))
	}
}

// put adds the entry at its own path, literally.
func (t *Tree) put(e *scan.Entry, layer int) {
	p := path.Clean("/" + e.Path)
	if p == "/" {
		if e.Kind == scan.Dir {
			t.root.Entry, t.root.Layer = e, layer
		}
		return
	}
	parent := t.mkdirAll(path.Dir(p), layer)
	name := path.Base(p)
	if old, ok := parent.children[name]; ok && old.IsDir() && e.Kind == scan.Dir {
		old.Entry, old.Layer = e, layer
		return
	}
	parent.children[name] = newNode(e, layer)
}

// mkdirAll returns the directory at p, creating it and its parents, or
// replacing non-directories on the way, as a layer holding p would.
func (t *Tree) mkdirAll(p string, layer int) *Node {
	n, cur := t.root, "/"
	for _, name := range split(p) {
		cur = path.Join(cur, name)
		c, ok := n.children[name]
		if !ok || !c.IsDir() {
			c = newDir(cur, layer)
			n.children[name] = c
		}
		n = c
	}
	return n
}
