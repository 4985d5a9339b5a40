package fstree

import (
	"fmt"
	"path"
	"slices"
)

// Resolve follows symlinks in every component of p, the last one included,
// and returns the real path and the node there. Absolute link targets start
// from the root, relative ones from the link's directory, and ".." never goes
// above the root. More than MaxLinks links give an error wrapping ErrLoop, a
// missing path one wrapping ErrNotExist.
func (t *Tree) Resolve(p string) (string, *Node, error) {
	real, n, err := t.resolve(p, true, nil)
	if err != nil {
		return "", nil, fmt.Errorf("resolving %q: %w", p, err)
	}
	return real, n, nil
}

// ResolveParent follows symlinks in the parents of p only, as lstat does, and
// returns the path with its parents resolved and the node there, which may
// be a symlink. If only the last component is missing, it returns the path
// with an error wrapping ErrNotExist.
func (t *Tree) ResolveParent(p string) (string, *Node, error) {
	real, n, err := t.resolve(p, false, nil)
	if err != nil {
		return real, nil, fmt.Errorf("resolving %q: %w", p, err)
	}
	return real, n, nil
}

// step is one directory on the way of a resolution, to go back to on "..".
type step struct {
	path string
	node *Node
}

// resolve walks p from the root, following symlinks in the parents, and in
// the last component if last is true. On a missing last component it
// returns the path it would have with ErrNotExist. With mkdir set, it
// creates missing components as directories of layer *mkdir instead.
func (t *Tree) resolve(p string, last bool, mkdir *int) (string, *Node, error) {
	// Most paths are a few components deep: these start on the goroutine's
	// stack and move to the heap only for deeper ones.
	var stackBuf [16]step
	var restBuf [16]string
	stack := append(stackBuf[:0], step{"/", t.root})
	rest := appendSplit(restBuf[:0], p)
	slices.Reverse(rest) // a stack: the next component is at the end
	links := 0
	for len(rest) > 0 {
		name := rest[len(rest)-1]
		rest = rest[:len(rest)-1]
		cur := stack[len(stack)-1]
		if !cur.node.IsDir() {
			return "", nil, fmt.Errorf("%q: %w", cur.path, ErrNotDir)
		}
		switch name {
		case ".":
			continue
		case "..":
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		next := join(cur.path, name)
		c, ok := cur.node.children[name]
		if !ok && mkdir != nil {
			c = newDir(next, *mkdir)
			cur.node.children[name] = c
		} else if !ok {
			if len(rest) == 0 {
				return next, nil, ErrNotExist
			}
			return "", nil, fmt.Errorf("%q: %w", next, ErrNotExist)
		}
		if c.IsSymlink() && (last || len(rest) > 0) {
			links++
			if links > MaxLinks {
				return "", nil, fmt.Errorf("%q: %w", next, ErrLoop)
			}
			target := c.Entry.Link
			if target == "" {
				return "", nil, fmt.Errorf("%q: empty symlink: %w", next, ErrNotExist)
			}
			if path.IsAbs(target) {
				stack = stack[:1]
			}
			n := len(rest)
			rest = appendSplit(rest, target)
			slices.Reverse(rest[n:])
			continue
		}
		stack = append(stack, step{next, c})
	}
	top := stack[len(stack)-1]
	return top.path, top.node, nil
}

// join returns the path of name in dir: dir is clean and name one
// component, neither "." nor "..", so this is path.Join without its Clean.
func join(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}
