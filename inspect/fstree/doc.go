// Package fstree builds the merged file tree of an image from the indexes of
// its layers, as an overlay filesystem would show it, and answers questions
// about it: what is at a path, where a path leads through symlinks, what a
// Dockerfile COPY from another image would change.
//
// The tree holds only the entries the layer indexes kept (see package scan):
// it is a partial view, exact for the paths of interest.
package fstree
