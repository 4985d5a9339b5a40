package scan

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sync/semaphore"
)

// A scan cut short in the middle of a file it copies to disk (an ELF file
// beyond the memory budget, an rpm database), as a cancelled run cuts it,
// returns the cause and leaves nothing in its temporary directory.
func TestCancelRemovesTempFiles(t *testing.T) {
	big := strings.Repeat("\x00", 256<<10)
	tests := []struct {
		name  string
		entry ent
	}{
		{"spilled ELF file", file("usr/lib64/libbig.so.1", "\x7fELF\x02\x01\x01"+big)},
		{"rpm database", file("var/lib/rpm/rpmdb.sqlite", "SQLite format 3\x00"+big)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			archive := makeTar(t, tt.entry)
			tmp := t.TempDir()
			// The budget is too small for the file: it must go to disk.
			opts := Options{TempDir: tmp, Memory: semaphore.NewWeighted(1)}
			seen := &watchDir{dir: tmp, r: &failingReader{data: archive[:len(archive)/2], err: context.Canceled}}
			_, err := Tar(seen, opts)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Tar(%s cut short by cancellation) error = %v, want context.Canceled", tt.name, err)
			}
			if !seen.saw {
				t.Fatalf("Tar(%s) wrote nothing to its temporary directory while reading, want a copy on disk", tt.name)
			}
			assertEmpty(t, tmp)
		})
	}
}

// watchDir notes whether anything is in dir when its reader runs dry, that
// is, while the file being copied is still open.
type watchDir struct {
	dir string
	r   *failingReader
	saw bool
}

func (w *watchDir) Read(p []byte) (int, error) {
	if len(w.r.data) == 0 && !w.saw {
		files, _ := filepath.Glob(filepath.Join(w.dir, "*"))
		w.saw = len(files) > 0
	}
	return w.r.Read(p)
}
