// Package layer holds what a scan keeps of one image layer: its entries of
// interest (paths, kinds, links, small contents, ELF and rpm facts),
// whiteouts and opaque markers, in archive order. It is a leaf package:
// package scan produces an Index, package cache stores it, package fstree
// merges the indexes of an image's layers.
package layer

import (
	"github.com/sammatrix/sammatrix/inspect/elfabi"
	"github.com/sammatrix/sammatrix/inspect/rpm"
)

// Kind is the kind of an Entry.
type Kind string

// Kinds of entries.
const (
	// File is a regular file (or a hardlink bound to one).
	File Kind = "file"
	// Dir is a directory.
	Dir Kind = "dir"
	// Symlink is a symbolic link.
	Symlink Kind = "symlink"
	// Hardlink is a hardlink to a file whose facts are not in the layer index.
	Hardlink Kind = "hardlink"
	// Whiteout deletes the path from the layers below.
	Whiteout Kind = "whiteout"
	// Opaque hides the children of the directory in the layers below.
	Opaque Kind = "opaque"
)

// Entry is one entry of interest of a layer.
type Entry struct {
	// Path is absolute and clean: "/usr/lib64/libc.so.6".
	Path string
	Kind Kind
	// Mode holds the permission bits (0o7777).
	Mode uint32
	Size int64
	// Link is, for a symlink, its target as written in the archive; for a
	// hardlink (bound or not), the absolute clean path of the file it names.
	Link string
	// Fingerprint identifies the contents of regular files under /var/lang
	// and /opt and of shared libraries: "xxh3-64k:<hex>", the 128-bit XXH3
	// hash of the contents, or for contents over 64 KiB the hash of the
	// hashes of their 64 KiB pieces. It is not cryptographic: it tells a
	// file put back unchanged from a different one (with Size), not a
	// forged one, and is empty for other files.
	Fingerprint string
	// Data holds the contents of small text files of interest, at most
	// the scanner's limit on text files.
	Data []byte
	ELF  *elfabi.File
	// ELFError says why an ELF file whose facts are wanted (one with a
	// Fingerprint) has no ELF facts: it is larger than the scanner's limit,
	// malformed, or a program whose dynamic table cannot be found
	// (elfabi.ErrNoDynamic). What such a file needs is unknown, not nothing.
	ELFError string
	// Version is the release found in the program, e.g. "v20.18.1" from
	// node's "node/v20.18.1".
	Version string
	RPM     *RPM
}

// RPM is the package list of an rpm database found in a layer.
type RPM struct {
	Format   rpm.Format
	Packages []rpm.Package
}

// Index is what a layer holds of interest.
type Index struct {
	// Entries are in archive order.
	Entries []Entry
	// Warnings describe what was skipped or could not be read; at most
	// the scanner's limit plus one that counts the others.
	Warnings []string
	// Files is the number of tar entries read.
	Files int64
	// Size is the number of uncompressed bytes read.
	Size int64
}
