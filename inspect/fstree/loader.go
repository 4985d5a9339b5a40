package fstree

import (
	"github.com/sammatrix/sammatrix/inspect/elfabi"
	"github.com/sammatrix/sammatrix/inspect/layer"
)

// Loader is the view of a tree the dynamic loader search of package elfabi
// needs: paths resolved through symlinks to regular files.
type Loader struct {
	*Tree
}

var _ elfabi.FS = Loader{}

// Loader returns the tree as an elfabi.FS.
func (t *Tree) Loader() Loader { return Loader{t} }

// Resolve returns the real path of the regular file p leads to; ok is false
// if p is missing, leads nowhere or to something other than a file.
func (l Loader) Resolve(p string) (string, bool) {
	real, n, err := l.Tree.Resolve(p)
	if err != nil || n.Entry.Kind != layer.File {
		return "", false
	}
	return real, true
}
