package plan

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rogpeppe/go-internal/diff"
)

// WriteFile replaces the file at path with data atomically: data goes to a
// temporary file in the same directory, with the file's permissions, which
// is then renamed over it. A reader sees the old bytes or the new ones,
// never a part of them; on failure the file is left as it was.
func WriteFile(path string, data []byte) error {
	mode := os.FileMode(0o644)
	if info, err := os.Stat(path); err == nil {
		mode = info.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("writing %q: %w", path, err)
	}
	done := false
	defer func() {
		if !done {
			os.Remove(tmp.Name())
		}
	}()
	_, werr := tmp.Write(data)
	if err := errors.Join(werr, tmp.Chmod(mode), tmp.Sync(), tmp.Close()); err != nil {
		return fmt.Errorf("writing %q: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %q: %w", path, err)
	}
	done = true
	return nil
}

// Diff returns the unified diff from old to new of the file named name,
// empty when they are equal.
func Diff(name string, old, new []byte) []byte {
	return diff.Diff("a/"+filepath.ToSlash(name), old, "b/"+filepath.ToSlash(name), new)
}
