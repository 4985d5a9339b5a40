// Package cache keeps content-addressed results on disk: per-layer indexes
// and image configs, keyed by digest. Entries are written atomically (a
// temporary file renamed into place) and carry a checksum over their name
// and payload that is verified on every read: a damaged entry, or one
// copied over another key's file, is removed and reported as a miss, so two
// runs can share a directory and a bad entry is rebuilt, never trusted.
//
// Open refuses a directory another local user could write into: one that is
// a symbolic link, not owned by the current user, or writable by its group
// or by others.
package cache

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/zeebo/xxh3"
)

// magic starts every entry, followed by the hex XXH3-128 of the rest of
// the entry and a newline. The rest is the entry's name (kind/key), a
// newline and the payload, so an entry is only ever valid under its own
// key. The checksum finds a truncated or damaged file; it need not resist
// forgery, since only the owner can write to the directory (see Open). An
// entry of another format (sammatrix-cache-1 had no name, -2 a SHA-256,
// which cost more than reading the entry) is a miss.
const magic = "sammatrix-cache-3 "

// Cache is a directory of entries. The zero value is unusable; use Open.
type Cache struct {
	dir string
}

// Open returns the cache in dir, creating the directory (private to the
// current user) if needed. It fails when dir cannot be created or written,
// or when it or one of its kind subdirectories is unsafe: a symbolic link,
// owned by another user, or group- or world-writable.
func Open(dir string) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating cache directory %q: %w", dir, err)
	}
	if err := checkDir(dir); err != nil {
		return nil, fmt.Errorf("opening cache directory %q: %w", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading cache directory %q: %w", dir, err)
	}
	for _, e := range entries {
		if !e.IsDir() && e.Type()&fs.ModeSymlink == 0 {
			continue
		}
		sub := filepath.Join(dir, e.Name())
		if err := checkDir(sub); err != nil {
			return nil, fmt.Errorf("opening cache directory %q: %w", sub, err)
		}
	}
	probe, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return nil, fmt.Errorf("writing to cache directory %q: %w", dir, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	return &Cache{dir: dir}, nil
}

// Dir returns the cache directory.
func (c *Cache) Dir() string { return c.dir }

// safeKey restricts keys to names that stay inside the cache directory:
// ^[A-Za-z0-9][A-Za-z0-9._-]*$.
func safeKey(s string) bool {
	if s == "" || s[0] == '.' || s[0] == '_' || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func (c *Cache) path(kind, key string) (string, error) {
	if !safeKey(kind) || !safeKey(key) {
		return "", fmt.Errorf("cache key %s/%s: only letters, digits, '.', '_' and '-' are allowed", kind, key)
	}
	return filepath.Join(c.dir, kind, key), nil
}

// Get returns the payload stored under kind/key. ok is false when there is
// no entry, the entry is of another format, or it was corrupt or stored
// under another key (it is then removed).
func (c *Cache) Get(kind, key string) (payload []byte, ok bool) {
	p, err := c.path(kind, key)
	if err != nil {
		return nil, false
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, false
	}
	payload, err = decode(data, kind, key)
	if errors.Is(err, errCorrupt) {
		// Another run may be renaming a good entry into place right now;
		// removing a corrupt one at worst costs that run a rebuild.
		os.Remove(p)
	}
	if err != nil {
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
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("writing cache entry %s/%s: %w", kind, key, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-"+key+"-*")
	if err != nil {
		return fmt.Errorf("writing cache entry %s/%s: %w", kind, key, err)
	}
	_, werr := tmp.Write(encode(kind, key, payload))
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

var (
	errCorrupt = errors.New("corrupt cache entry")
	errFormat  = errors.New("cache entry of another format")
)

// encode returns the entry of payload under kind/key.
func encode(kind, key string, payload []byte) []byte {
	body := make([]byte, 0, len(kind)+len(key)+2+len(payload))
	body = append(body, kind+"/"+key+"\n"...)
	body = append(body, payload...)
	sum := xxh3.Hash128(body).Bytes()
	out := make([]byte, 0, len(magic)+2*len(sum)+1+len(body))
	out = append(out, magic...)
	out = hex.AppendEncode(out, sum[:])
	out = append(out, '\n')
	return append(out, body...)
}

// decode returns the payload of an entry read from the file of kind/key.
func decode(data []byte, kind, key string) ([]byte, error) {
	head, body, ok := bytes.Cut(data, []byte("\n"))
	if !ok || !bytes.HasPrefix(head, []byte(magic)) {
		if bytes.HasPrefix(data, []byte("sammatrix-cache-")) {
			return nil, errFormat
		}
		return nil, errCorrupt
	}
	sum := xxh3.Hash128(body).Bytes()
	if hex.EncodeToString(sum[:]) != string(head[len(magic):]) {
		return nil, errCorrupt
	}
	name, payload, ok := bytes.Cut(body, []byte("\n"))
	if !ok || string(name) != kind+"/"+key {
		return nil, errCorrupt
	}
	return payload, nil
}
