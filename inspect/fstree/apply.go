package fstree

import (
	"path"
	"strings"

	"github.com/sammatrix/sammatrix/inspect/layer"
)

// Apply puts layer number num, described by idx, on top of the tree, by the
// OCI image-spec changeset rules. First the layer's whiteouts and opaque
// markers remove entries of the layers below, wherever they are in the
// archive. Then its entries are added in archive order, a later one replacing
// an earlier one at the same path: a non-directory replaces a directory with
// its subtree, a directory over a directory keeps the children and takes the
// new metadata, and missing parents are created as directories. Paths are
// applied literally, not through symlinks of the layers below. A hardlink the
// scan could not bind becomes a File without facts.
func (t *Tree) Apply(num int, idx *layer.Index) {
	for i := range idx.Entries {
		e := &idx.Entries[i]
		switch e.Kind {
		case layer.Whiteout:
			t.remove(e.Path)
		case layer.Opaque:
			if n, ok := t.Lookup(e.Path); ok && n.IsDir() {
				clear(n.children)
			}
		}
	}
	for i := range idx.Entries {
		e := &idx.Entries[i]
		switch e.Kind {
		case layer.Whiteout, layer.Opaque:
			continue
		case layer.Hardlink:
			f := *e
			f.Kind = layer.File
			e = &f
		}
		t.put(e, num)
	}
}

// remove deletes the node at p with its subtree, if there is one.
func (t *Tree) remove(p string) {
	p = cleanAbs(p)
	if p == "/" {
		return
	}
	if parent, ok := t.Lookup(path.Dir(p)); ok && parent.children != nil {
		delete(parent.children, path.Base(p))
	}
}

// put adds the entry at its own path, literally.
func (t *Tree) put(e *layer.Entry, num int) {
	p := cleanAbs(e.Path)
	if p == "/" {
		if e.Kind == layer.Dir {
			t.root.Entry, t.root.Layer = e, num
		}
		return
	}
	i := strings.LastIndexByte(p, '/')
	parent := t.mkdirAll(p[:max(i, 1)], num)
	name := p[i+1:]
	if old, ok := parent.children[name]; ok && old.IsDir() && e.Kind == layer.Dir {
		old.Entry, old.Layer = e, num
		return
	}
	parent.children[name] = newNode(e, num)
}

// mkdirAll returns the directory at p (absolute and clean), creating it and
// its parents, or replacing non-directories on the way, as a layer holding
// p would.
func (t *Tree) mkdirAll(p string, num int) *Node {
	n := t.root
	for start := 1; start < len(p); {
		end := strings.IndexByte(p[start:], '/')
		if end < 0 {
			end = len(p)
		} else {
			end += start
		}
		name := p[start:end]
		c, ok := n.children[name]
		if !ok || !c.IsDir() {
			c = newDir(p[:end], num)
			n.children[name] = c
		}
		n = c
		start = end + 1
	}
	return n
}

// cleanAbs returns p as an absolute clean path; the paths of a scan already
// are, and are returned as they are.
func cleanAbs(p string) string {
	if strings.HasPrefix(p, "/") && path.Clean(p) == p {
		return p
	}
	return path.Clean("/" + p)
}
