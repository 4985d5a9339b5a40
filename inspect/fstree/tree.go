package fstree

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/sammatrix/sammatrix/inspect/layer"
)

// MaxLinks is the number of symlinks a path resolution follows before it
// gives up with ErrLoop, as Linux does.
const MaxLinks = 40

// ErrNotExist is wrapped by the errors for paths that are not in the tree; it
// wraps fs.ErrNotExist.
var ErrNotExist = fmt.Errorf("no such file or directory: %w", fs.ErrNotExist)

// ErrLoop is wrapped by the errors for paths whose resolution follows more
// than MaxLinks symlinks.
var ErrLoop = errors.New("too many levels of symbolic links")

// ErrNotDir is wrapped by the errors for paths that go through something
// other than a directory; it wraps ErrNotExist.
var ErrNotDir = fmt.Errorf("not a directory: %w", ErrNotExist)

// ErrIsDir is wrapped by the errors for a file operation on a directory.
var ErrIsDir = errors.New("is a directory")

// Node is one path of the tree.
type Node struct {
	// Entry describes the node: Kind File, Dir or Symlink, and Path is the
	// node's path in the tree. Directories created only because they hold
	// something have an Entry with just Path and Kind.
	Entry *layer.Entry
	// Layer is the index, in image order, of the layer the entry came from.
	Layer int

	children map[string]*Node // directories only
}

// IsDir reports whether the node is a directory.
func (n *Node) IsDir() bool { return n.Entry.Kind == layer.Dir }

// IsSymlink reports whether the node is a symbolic link.
func (n *Node) IsSymlink() bool { return n.Entry.Kind == layer.Symlink }

// Tree is the merged view of the layers applied to it.
type Tree struct {
	root *Node
}

// New returns an empty tree: a root directory only.
func New() *Tree {
	return &Tree{root: newDir("/", -1)}
}

func newDir(p string, num int) *Node {
	return &Node{Entry: &layer.Entry{Path: p, Kind: layer.Dir}, Layer: num, children: map[string]*Node{}}
}

// newNode returns a node for entry e, which must have a tree path.
func newNode(e *layer.Entry, num int) *Node {
	n := &Node{Entry: e, Layer: num}
	if e.Kind == layer.Dir {
		n.children = map[string]*Node{}
	}
	return n
}

// split returns the components of a path, without empty ones.
func split(p string) []string {
	return appendSplit(nil, p)
}

// appendSplit appends the components of p to parts, as split returns them.
func appendSplit(parts []string, p string) []string {
	for p != "" {
		var name string
		name, p, _ = strings.Cut(p, "/")
		if name != "" {
			parts = append(parts, name)
		}
	}
	return parts
}

// Lookup returns the node at p, following no symlink at all.
func (t *Tree) Lookup(p string) (*Node, bool) {
	n := t.root
	for _, name := range split(path.Clean("/" + p)) {
		if n.children == nil {
			return nil, false
		}
		c, ok := n.children[name]
		if !ok {
			return nil, false
		}
		n = c
	}
	return n, true
}

// ReadDir returns the sorted names in directory p, following symlinks.
func (t *Tree) ReadDir(p string) ([]string, error) {
	real, n, err := t.Resolve(p)
	if err != nil {
		return nil, err
	}
	if !n.IsDir() {
		return nil, fmt.Errorf("reading directory %q: %q: %w", p, real, ErrNotDir)
	}
	return sortedNames(n), nil
}

func sortedNames(n *Node) []string {
	names := make([]string, 0, len(n.children))
	for name := range n.children {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Walk calls fn for p and every path under it, in lexical order, following
// no symlink. If fn returns fs.SkipDir for a directory, its subtree is
// skipped; any other error stops the walk and is returned.
func (t *Tree) Walk(p string, fn func(path string, n *Node) error) error {
	p = path.Clean("/" + p)
	n, ok := t.Lookup(p)
	if !ok {
		return fmt.Errorf("walking %q: %w", p, ErrNotExist)
	}
	err := walk(p, n, fn)
	if err == fs.SkipDir {
		return nil
	}
	return err
}

func walk(p string, n *Node, fn func(string, *Node) error) error {
	if err := fn(p, n); err != nil {
		return err
	}
	for _, name := range sortedNames(n) {
		err := walk(join(p, name), n.children[name], fn)
		if err != nil && err != fs.SkipDir {
			return err
		}
	}
	return nil
}

// Clone returns a deep copy of the tree, sharing only the (read-only) entries.
func (t *Tree) Clone() *Tree {
	return &Tree{root: clone(t.root)}
}

func clone(n *Node) *Node {
	c := &Node{Entry: n.Entry, Layer: n.Layer}
	if n.children != nil {
		c.children = make(map[string]*Node, len(n.children))
		for name, child := range n.children {
			c.children[name] = clone(child)
		}
	}
	return c
}
