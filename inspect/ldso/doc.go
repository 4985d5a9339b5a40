// Package ldso tells what the glibc dynamic loader would load in an image,
// without running it.
//
// A Loader works on the merged file tree of an image (package fstree), whose
// nodes carry the ELF facts read by package elfabi. New reads the image's
// /etc/ld.so.conf once; Load then follows a program's DT_NEEDED entries
// breadth first, each object's libraries found with its own search path
// (RPATH, LD_LIBRARY_PATH, RUNPATH, ld.so.conf, /lib64, /usr/lib64), and
// reports the libraries it loads and every problem the loader would meet: a
// library it does not find, a needed symbol version a loaded library does
// not define, an object whose needs are unknown because it was not analysed.
// SearchPath, LibraryPath and Locate answer the smaller questions: where the
// loader looks, and which file it takes for one name.
//
// The model is of the x86-64 loader: $LIB is lib64 and $PLATFORM x86_64. It
// ignores the ld.so.cache (the image's ld.so.conf says the same unless the
// cache is stale), hwcap subdirectories, the RPATHs of the objects that
// loaded an object, and LD_PRELOAD.
package ldso
