package fstree

import (
	"fmt"
	"path"

	"github.com/sammatrix/sammatrix/inspect/layer"
)

// Replaced is a destination path a Copy changed from what it was: a
// non-directory replaced by anything, or a directory replaced by a
// non-directory.
type Replaced struct {
	Path     string
	Old, New *Node
}

// Copy does what a Dockerfile `COPY --from=<src image> srcPath dstPath` does
// for a directory source: srcPath is resolved in src through symlinks, and its
// contents are copied under dstPath in t. dstPath is resolved through
// symlinks where it exists and created where it does not. Directories merge;
// files and symlinks (copied as symlinks) replace what is at their
// destination, a directory with its subtree; a directory replaces a
// non-directory. Copied nodes keep their entries and get num as their
// Layer. Copy returns the destination paths it replaced, in lexical order.
// On an error, directories created for dstPath may remain.
func (t *Tree) Copy(src *Tree, srcPath, dstPath string, num int) ([]Replaced, error) {
	if src == t {
		src = t.Clone()
	}
	_, from, err := src.Resolve(srcPath)
	if err != nil {
		return nil, fmt.Errorf("copying %q: %w", srcPath, err)
	}
	if !from.IsDir() {
		return nil, fmt.Errorf("copying %q: %w", srcPath, ErrNotDir)
	}
	toPath, to, err := t.resolve(dstPath, true, &num)
	if err == nil && !to.IsDir() {
		err = fmt.Errorf("%q: %w", toPath, ErrNotDir)
	}
	if err != nil {
		return nil, fmt.Errorf("copying %q to %q: %w", srcPath, dstPath, err)
	}
	var replaced []Replaced
	copyInto(to, toPath, from, num, &replaced)
	return replaced, nil
}

// CopyFile does what a Dockerfile `COPY --from=<src image> srcPath dstPath`
// does for a file source: srcPath is resolved in src through symlinks and
// must lead to a non-directory, which is put at dstPath in t (in it, under
// the source's name, when dstPath is a directory). The parents of dstPath
// are resolved through symlinks where they exist and created where they do
// not. The copied node keeps its entry and gets num as its Layer; what it
// replaces is returned. On an error, directories created for dstPath may
// remain.
func (t *Tree) CopyFile(src *Tree, srcPath, dstPath string, num int) ([]Replaced, error) {
	if src == t {
		src = t.Clone()
	}
	real, from, err := src.Resolve(srcPath)
	if err != nil {
		return nil, fmt.Errorf("copying %q: %w", srcPath, err)
	}
	if from.IsDir() {
		return nil, fmt.Errorf("copying %q: %w", srcPath, ErrIsDir)
	}
	dirPath, to, err := t.resolve(path.Dir(path.Clean("/"+dstPath)), true, &num)
	if err == nil && !to.IsDir() {
		err = fmt.Errorf("%q: %w", dirPath, ErrNotDir)
	}
	if err != nil {
		return nil, fmt.Errorf("copying %q to %q: %w", srcPath, dstPath, err)
	}
	name := path.Base(path.Clean("/" + dstPath))
	if name == "/" {
		name = path.Base(real)
	} else if old, ok := to.children[name]; ok && old.IsDir() {
		dirPath, to, name = path.Join(dirPath, name), old, path.Base(real)
	}
	p := path.Join(dirPath, name)
	n := newNode(withPath(from.Entry, p), num)
	var replaced []Replaced
	if old, ok := to.children[name]; ok {
		replaced = append(replaced, Replaced{Path: p, Old: old, New: n})
	}
	to.children[name] = n
	return replaced, nil
}

// copyInto merges the children of the source directory from into the
// destination directory to at toPath.
func copyInto(to *Node, toPath string, from *Node, num int, replaced *[]Replaced) {
	for _, name := range sortedNames(from) {
		sc := from.children[name]
		p := path.Join(toPath, name)
		old, exists := to.children[name]
		if sc.IsDir() && exists && old.IsDir() {
			old.Entry, old.Layer = withPath(sc.Entry, p), num
			copyInto(old, p, sc, num, replaced)
			continue
		}
		n := newNode(withPath(sc.Entry, p), num)
		to.children[name] = n
		if exists && (!old.IsDir() || !n.IsDir()) {
			*replaced = append(*replaced, Replaced{Path: p, Old: old, New: n})
		}
		if n.IsDir() {
			copyInto(n, p, sc, num, replaced)
		}
	}
}

// withPath returns e, or a copy of it at path p if it is elsewhere.
func withPath(e *layer.Entry, p string) *layer.Entry {
	if e.Path == p {
		return e
	}
	c := *e
	c.Path = p
	return &c
}
