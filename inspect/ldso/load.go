package ldso

import (
	"fmt"
	"slices"

	"github.com/sammatrix/sammatrix/inspect/elfabi"
	"github.com/sammatrix/sammatrix/inspect/fstree"
)

// MaxObjects bounds the objects, the program included, whose needs one Load
// follows.
const MaxObjects = 256

// Lib is a library the loader takes for a needed name.
type Lib struct {
	// Name is the needed name, e.g. libssl.so.3.
	Name string
	// Link is where the loader found it, e.g. /lib64/libssl.so.3.
	Link string
	// Path is the real file Link leads to through symlinks,
	// e.g. /usr/lib64/libssl.so.3.0.8.
	Path string
	Node *fstree.Node
	// ELF are the file's ELF facts, nil when it was not analysed.
	ELF *elfabi.File
	// NeededBy is the real path of the object that needed it first.
	NeededBy string
}

// Problem is what stops the loader on one needed library: it does not find
// the library, or the library it loads lacks versions the object needs.
type Problem struct {
	// Object is the real path of the object that needs Name.
	Object string
	Name   string
	// Lib is the library loaded for Name; nil when the loader does not find
	// one.
	Lib *Lib
	// Searched are, when Lib is nil, the directories searched in order
	// (nil when Name is a path).
	Searched []string
	// Missing are, when Lib is set, the non-weak needed version names Lib
	// does not define, ordered by elfabi.Compare; Defines are those it does.
	Missing []string
	Defines []string
}

// NotFound reports whether the loader does not find the library.
func (p Problem) NotFound() bool { return p.Lib == nil }

// Result is what loading a program gives.
type Result struct {
	// Program is the real path of the program.
	Program string
	// Libs are the libraries loaded, in load order, each once.
	Libs []Lib
	// Problems are in the order the loader meets them.
	Problems []Problem
	// Unanalysed are the real paths of the objects, the program or loaded
	// libraries, that have no ELF facts (not ELF, or too large to read):
	// what they need is unknown, so a load without problems proves nothing
	// while this is not empty.
	Unanalysed []string
	// Truncated reports that more than MaxObjects objects were loaded; the
	// needs of the others were not followed.
	Truncated bool
}

// Load follows the DT_NEEDED entries of the program at path program, breadth
// first as glibc's loader does: each object's libraries are found with its
// own SearchPath, a name already loaded is not searched again but is
// checked, for the versions the object needs, against the library loaded
// for it. It fails only when program does not lead to a regular file.
func (l *Loader) Load(program string) (*Result, error) {
	real, root, err := l.tree.Resolve(program)
	if err != nil {
		return nil, fmt.Errorf("loading %q: %w", program, err)
	}
	if !regular(root) {
		return nil, fmt.Errorf("loading %q: %q is not a regular file", program, real)
	}
	res := &Result{Program: real}
	if root.Entry.ELF == nil {
		res.Unanalysed = append(res.Unanalysed, real)
		return res, nil
	}
	type object struct {
		path string
		elf  *elfabi.File
	}
	queue := []object{{real, root.Entry.ELF}}
	loaded := map[string]*Lib{}
	for i := 0; i < len(queue); i++ {
		if i == MaxObjects {
			res.Truncated = true
			break
		}
		obj := queue[i]
		var dirs []string
		for _, name := range obj.elf.Needed {
			lib := loaded[name]
			if lib == nil {
				if dirs == nil {
					dirs = l.SearchPath(obj.path, obj.elf)
				}
				found, ok := l.Locate(name, dirs)
				if !ok {
					pr := Problem{Object: obj.path, Name: name}
					if !isPath(name) {
						pr.Searched = dirs
					}
					res.Problems = append(res.Problems, pr)
					continue
				}
				found.NeededBy = obj.path
				lib = &found
				loaded[name] = lib
				res.Libs = append(res.Libs, found)
				if lib.ELF == nil {
					if !slices.Contains(res.Unanalysed, lib.Path) {
						res.Unanalysed = append(res.Unanalysed, lib.Path)
					}
				} else {
					queue = append(queue, object{lib.Path, lib.ELF})
				}
			}
			if lib.ELF == nil {
				continue // nothing to check against
			}
			if missing := elfabi.Missing(obj.elf.Needs[name], lib.ELF.Defines); len(missing) > 0 {
				res.Problems = append(res.Problems, Problem{Object: obj.path, Name: name, Lib: lib, Missing: missing, Defines: lib.ELF.Defines})
			}
		}
	}
	return res, nil
}
