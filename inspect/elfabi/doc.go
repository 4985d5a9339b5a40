// Package elfabi reads the dynamic-linking facts of ELF files (needed
// libraries, search paths, symbol version definitions and needs) and
// compares symbol versions. Package ldso follows these facts through an
// image the way the glibc dynamic loader would.
//
// It reads only the headers and the dynamic, version and string sections
// through an io.ReaderAt, so large binaries are never loaded whole. A file
// without section headers (as sstrip leaves it) is read the way the loader
// reads it, through the PT_DYNAMIC and PT_LOAD segments. Symbol
// version names such as GLIBCXX_3.4.30 are ordered numerically within their
// prefix by Compare, so that GLIBCXX_3.4.9 sorts before GLIBCXX_3.4.30.
package elfabi
