// Package rpmdb lists the packages recorded in an rpm database (BerkeleyDB,
// sqlite or NDB), as found in an image's file system, without running rpm.
//
// It wraps github.com/knqyf263/go-rpmdb with a pure-Go sqlite driver. That
// library needs a file path, so Read spills a stream to a private temporary
// directory, which it always removes.
package rpmdb
