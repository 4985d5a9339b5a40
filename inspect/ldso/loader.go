package ldso

import (
	"slices"

	"github.com/sammatrix/sammatrix/inspect/fstree"
)

// Loader is the dynamic loader of one image, with the LD_LIBRARY_PATH of its
// environment.
type Loader struct {
	tree          *fstree.Tree
	ldLibraryPath string
	// conf are the directories of ld.so.conf, read once by New.
	conf []string
}

// New returns the loader of the image whose merged tree is t, run with
// LD_LIBRARY_PATH set to ldLibraryPath ("" when unset). It reads ConfPath
// and the files it includes now; the tree must not change afterwards.
func New(t *fstree.Tree, ldLibraryPath string) *Loader {
	return &Loader{tree: t, ldLibraryPath: ldLibraryPath, conf: confDirs(t)}
}

// ConfDirs returns the directories ConfPath names, with those of the files it
// includes, in the order the loader searches them.
func (l *Loader) ConfDirs() []string { return slices.Clone(l.conf) }
