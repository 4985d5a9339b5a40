// Package cache keeps content-addressed results on disk: per-layer indexes
// and image configs, keyed by digest. Entries are written atomically (a
// temporary file renamed into place), carry a checksum that is verified on
// every read, and a corrupt entry is removed and reported as a miss, so two
// runs can share a directory and a damaged entry is rebuilt, never trusted.
package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
)

// magic starts every entry, followed by the hex SHA-256 of the payload and a newline.
const magic = "sammatrix-cache-1 "

// Cache is a directory of entries. The zero value is unusable; use Open.
type Cache struct {
	dir string
}

// Open returns the cache in dir, creating the directory if needed.
func Open(dir string) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating cache directory %q: %w", dir, err)
	}
	return &Cache{dir: dir}, nil
}

// Dir returns the cache directory.
func (c *Cache) Dir() string { return c.dir }

// safeKey restricts keys to names that stay inside the cache directory.
var safeKey = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

func (c *Cache) path(kind, key string) (string, error) {
	if !safeKey.MatchString(kind) || !safeKey.MatchString(key) {
		return "", fmt.Errorf("cache key %s/%s: only letters, digits, '.', '_' and '-' are allowed", kind, key)
	}
	return filepath.Join(c.dir, kind, key), nil
}

// Get returns the payload stored under kind/key. ok is false when there is
// no entry or the entry was corrupt (it is then removed).
func (c *Cache) Get(kind, key string) (payload []byte, ok bool) {
	p, err := c.path(kind, key)
	if err != nil {
		return nil, false
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, false
	}
	payload, err = decode(data)
	if err != nil {
		// Another run may be renaming a good entry into place right now;
		// removing a corrupt one at worst costs that run a rebuild.
		os.Remove(p)
		return nil, false
	}
	return payload, true
}

// Put stores payload under kind/key atomically.
func (c *Cache) Put(kind, key string, payload []byte) error {
	p, err := c.path(kind, key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("writing cache entry %s/%s: %w", kind, key, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-"+key+"-*")
	if err != nil {
		return fmt.Errorf("writing cache entry %s/%s: %w", kind, key, err)
	}
	sum := sha256.Sum256(payload)
	_, werr := tmp.WriteString(magic + hex.EncodeToString(sum[:]) + "\n")
	if werr == nil {
		_, werr = tmp.Write(payload)
	}
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing cache entry %s/%s: %w", kind, key, err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing cache entry %s/%s: %w", kind, key, err)
	}
	return nil
}

// Has reports whether an entry exists, without verifying it.
func (c *Cache) Has(kind, key string) bool {
	p, err := c.path(kind, key)
	if err != nil {
		return false
	}
	_, err = os.Stat(p)
	return !errors.Is(err, fs.ErrNotExist) && err == nil
}

var errCorrupt = errors.New("corrupt cache entry")

func decode(data []byte) ([]byte, error) {
	head, payload, ok := bytes.Cut(data, []byte("\n"))
	if !ok || !bytes.HasPrefix(head, []byte(magic)) {
		return nil, errCorrupt
	}
	want := string(head[len(magic):])
	sum := sha256.Sum256(payload)
	if hex.EncodeToString(sum[:]) != want {
		return nil, errCorrupt
	}
	return payload, nil
}
