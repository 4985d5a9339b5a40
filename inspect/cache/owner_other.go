//go:build !unix

package cache

import "io/fs"

// checkOwner accepts every directory where files have no uid and no
// permission bits to check.
func checkOwner(fs.FileInfo) error { return nil }
