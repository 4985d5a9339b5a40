package cache

import (
	"errors"
	"io/fs"
	"os"
)

// checkDir refuses a directory another local user could have created or
// could write into, as ssh refuses a ~/.ssh it does not trust.
func checkDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return errors.New("it is a symbolic link")
	}
	if !fi.IsDir() {
		return errors.New("it is not a directory")
	}
	return checkOwner(fi)
}
