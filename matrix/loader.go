package matrix

import (
	"github.com/sammatrix/sammatrix/inspect/elfabi"
	"github.com/sammatrix/sammatrix/inspect/fstree"
)

// maxLoaded bounds the objects one load simulation follows.
const maxLoaded = 256

// loadProblem is a problem the dynamic loader would meet: a needed library it
// cannot find, or one that lacks needed versions.
type loadProblem struct {
	// Object is the real path of the object that needs Lib.
	Object string
	Lib    string
	// Found is the real path the loader would use for Lib ("" when not found).
	Found     string
	FoundNode *fstree.Node
	// Missing are the needed version names Found does not define.
	Missing []string
}

// loadedLib is one library a load simulation resolved.
type loadedLib struct {
	Name string
	Path string
	Node *fstree.Node
}

// simulateLoad follows the DT_NEEDED entries of the object at objPath in t,
// breadth first as glibc's loader does: each object's libraries are found
// with its own search path (RPATH, LD_LIBRARY_PATH, RUNPATH, ld.so.conf,
// /lib64, /usr/lib64) and a name already loaded is not searched again. It
// returns the problems and the libraries it loaded.
func simulateLoad(t *fstree.Tree, objPath, ldLibraryPath string, ldSoConf []string) ([]loadProblem, []loadedLib) {
	real, root, err := t.Resolve(objPath)
	if err != nil || root.Entry.ELF == nil {
		return nil, nil
	}
	type object struct {
		path string
		elf  *elfabi.File
	}
	queue := []object{{real, root.Entry.ELF}}
	loaded := map[string]loadedLib{}
	var problems []loadProblem
	var libs []loadedLib
	for i := 0; i < len(queue) && i < maxLoaded; i++ {
		obj := queue[i]
		dirs := elfabi.SearchPath(obj.elf, obj.path, ldLibraryPath, ldSoConf)
		for _, name := range obj.elf.Needed {
			lib, ok := loaded[name]
			if !ok {
				_, found, ok := elfabi.Locate(t.Loader(), name, dirs)
				if !ok {
					problems = append(problems, loadProblem{Object: obj.path, Lib: name})
					continue
				}
				_, n, err := t.Resolve(found)
				if err != nil {
					continue
				}
				lib = loadedLib{Name: name, Path: found, Node: n}
				loaded[name] = lib
				libs = append(libs, lib)
				if n.Entry.ELF != nil {
					queue = append(queue, object{found, n.Entry.ELF})
				}
			}
			if lib.Node.Entry.ELF == nil {
				continue // not analysed (too large or not ELF): nothing to check against
			}
			if missing := elfabi.Missing(obj.elf.Needs[name], lib.Node.Entry.ELF.Defines); len(missing) > 0 {
				problems = append(problems, loadProblem{Object: obj.path, Lib: name, Found: lib.Path, FoundNode: lib.Node, Missing: missing})
			}
		}
	}
	return problems, libs
}
