package render

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sammatrix/sammatrix/render/dockerfile"
)

// generatedMark starts every file sammatrix generates.
const generatedMark = dockerfile.Header

// Write makes dir hold exactly files. Everything is written to a new
// directory beside dir first, which then takes dir's place: when anything
// fails, dir is left as it was. dir must not hold files sammatrix did not
// generate: Write refuses to replace them.
func Write(dir string, files Files) error {
	if err := checkOwned(dir); err != nil {
		return err
	}
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("writing %q: %w", dir, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".new-")
	if err != nil {
		return fmt.Errorf("writing %q: %w", dir, err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("writing %q: %w", dir, err)
	}
	for _, name := range files.Names() {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("writing %q: %w", path.Join(dir, name), err)
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return fmt.Errorf("writing %q: %w", path.Join(dir, name), err)
		}
	}
	old := ""
	if _, err := os.Lstat(dir); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("replacing %q: %w", dir, err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			if rerr := os.Rename(old, dir); rerr != nil {
				return fmt.Errorf("replacing %q: %w (the previous output is at %q)", dir, err, old)
			}
		}
		return fmt.Errorf("replacing %q: %w", dir, err)
	}
	if old != "" {
		// The new output is in place; a leftover old copy only costs space.
		_ = os.RemoveAll(old)
	}
	return nil
}

// checkOwned refuses a directory that holds anything but files sammatrix
// generated, so that a mistaken --out never replaces someone's work.
func checkOwned(dir string) error {
	info, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %q: %w", dir, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("writing %q: it is not a directory", dir)
	}
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("reading %q: %w", p, err)
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() || !generated(p) {
			return fmt.Errorf("writing %q: it holds %q, which sammatrix did not generate; render writes only to a directory of its own (choose another --out, or remove the file)", dir, p)
		}
		return nil
	})
}

// generated reports whether the file at p starts with the mark of a
// generated file.
func generated(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(generatedMark))
	n, _ := f.Read(head)
	return bytes.Equal(head[:n], []byte(generatedMark))
}

// Change is a difference between generated files and an output directory.
type Change struct {
	// Path is the file's path relative to the output directory.
	Path string
	// Kind is "stale" (it differs), "missing" or "extra" (render would
	// remove it).
	Kind string
}

// Compare returns how dir differs from files, sorted by path.
func Compare(dir string, files Files) ([]Change, error) {
	seen := map[string]bool{}
	var out []Change
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == dir {
			return filepath.SkipAll
		}
		if err != nil {
			return fmt.Errorf("reading %q: %w", p, err)
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		want, ok := files[name]
		if !ok {
			out = append(out, Change{name, "extra"})
			return nil
		}
		seen[name] = true
		got, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("reading %q: %w", p, err)
		}
		if !bytes.Equal(got, want) {
			out = append(out, Change{name, "stale"})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, name := range files.Names() {
		if !seen[name] {
			out = append(out, Change{name, "missing"})
		}
	}
	sortChanges(out)
	return out, nil
}

func sortChanges(cs []Change) {
	slices.SortFunc(cs, func(a, b Change) int { return strings.Compare(a.Path, b.Path) })
}

// Existing reads what an earlier render wrote to dir that a check needs
// without asking a registry: the pinned FROM references of its
// Dockerfiles, name to digest, and the forced findings marked in each
// pair's Dockerfile, by pair id.
func Existing(dir string) (pins map[string]string, forced map[string][]string) {
	pins, forced = map[string]string{}, map[string][]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return pins, forced
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name(), "Dockerfile"))
		if err != nil || !bytes.HasPrefix(data, []byte(generatedMark)) {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			if f, ok := strings.CutPrefix(line, "# forced: "); ok {
				forced[e.Name()] = append(forced[e.Name()], f)
			}
			fields := strings.Fields(line)
			if len(fields) >= 2 && fields[0] == "FROM" {
				if name, digest, ok := strings.Cut(fields[1], "@"); ok {
					pins[name] = digest
				}
			}
		}
	}
	return pins, forced
}
