package rpmdb

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	_ "github.com/glebarez/go-sqlite" // registers the "sqlite" driver go-rpmdb opens
	rpmdb "github.com/knqyf263/go-rpmdb/pkg"
	"github.com/sammatrix/sammatrix/inspect/rpm"
)

// MaxSize is the default limit, in bytes, on a database Read accepts.
const MaxSize = 512 << 20

// sqliteMagic starts every sqlite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// Read reads every package from the database streamed by r, which may hold
// at most limit bytes (MaxSize when limit <= 0). It spills r to a private
// directory created in tmpDir (os.TempDir() when "") and removes that
// directory, with any sqlite side files, before returning, also on error.
// Packages are sorted by name, then version.
func Read(r io.Reader, tmpDir string, limit int64) ([]rpm.Package, error) {
	if limit <= 0 {
		limit = MaxSize
	}
	dir, err := os.MkdirTemp(tmpDir, "rpmdb-")
	if err != nil {
		return nil, fmt.Errorf("creating a directory for the rpm database: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "rpmdb")
	if err := spill(r, path, limit); err != nil {
		return nil, err
	}
	return list(path)
}

// ReadFile reads every package from the database at path. It opens
// BerkeleyDB and NDB files in place, read-only; it copies a sqlite
// database to a temporary directory first, because sqlite may create side
// files next to the database it opens.
func ReadFile(path string) ([]rpm.Package, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading rpm database %q: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteMagic))
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("reading rpm database %q: %w", path, err)
	}
	var pkgs []rpm.Package
	if bytes.Equal(head[:n], sqliteMagic) {
		pkgs, err = Read(io.MultiReader(bytes.NewReader(head[:n]), f), "", MaxSize)
	} else {
		pkgs, err = list(path)
	}
	if err != nil {
		return nil, fmt.Errorf("reading rpm database %q: %w", path, err)
	}
	return pkgs, nil
}

// spill copies at most limit bytes of r to a new file at path.
func spill(r io.Reader, path string, limit int64) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("creating a copy of the rpm database: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(r, limit+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("copying the rpm database: %w", err)
	}
	if n > limit {
		return fmt.Errorf("copying the rpm database: larger than the limit of %d bytes", limit)
	}
	return nil
}

// list opens the database at path and lists its packages. go-rpmdb allows
// one ListPackages per handle, so each call opens its own. Errors do not
// name path, which may be a temporary copy; callers name the original.
func list(path string) (pkgs []rpm.Package, err error) {
	if err := check(path); err != nil {
		return nil, fmt.Errorf("opening rpm database: %w", err)
	}
	db, err := rpmdb.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening rpm database: %w", err)
	}
	defer db.Close()
	// Package headers come from image content; go-rpmdb indexes into them
	// without checking every bound, so a corrupt header must not take the
	// caller down.
	defer func() {
		if p := recover(); p != nil {
			pkgs, err = nil, fmt.Errorf("listing rpm packages: corrupt header: %v", p)
		}
	}()
	infos, err := db.ListPackages()
	if err != nil {
		return nil, fmt.Errorf("listing rpm packages: %w", err)
	}
	pkgs = make([]rpm.Package, 0, len(infos))
	for _, in := range infos {
		pkgs = append(pkgs, rpm.Package{
			Name:     in.Name,
			Epoch:    in.Epoch,
			Version:  in.Version,
			Release:  in.Release,
			Arch:     in.Arch,
			Provides: in.Provides,
		})
	}
	rpm.Sort(pkgs)
	return pkgs, nil
}
