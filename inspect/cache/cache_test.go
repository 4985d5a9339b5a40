package cache

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestPutGet(t *testing.T) {
	c, err := Open(filepath.Join(t.TempDir(), "c"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get("layers", "sha256-aa"); ok {
		t.Fatal("Get on an empty cache = ok, want a miss")
	}
	if err := c.Put("layers", "sha256-aa", []byte("index")); err != nil {
		t.Fatal(err)
	}
	got, ok := c.Get("layers", "sha256-aa")
	if !ok || string(got) != "index" {
		t.Fatalf("Get = %q, %v, want %q, true", got, ok, "index")
	}
	entries, _ := os.ReadDir(filepath.Join(c.Dir(), "layers"))
	if len(entries) != 1 {
		t.Errorf("cache holds %d files, want 1 (no temporary file left)", len(entries))
	}
}

func TestCorruptEntryIsDiscarded(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(b []byte) []byte
	}{
		{"flipped byte", func(b []byte) []byte { b[len(b)-1] ^= 1; return b }},
		{"truncated", func(b []byte) []byte { return b[:len(b)-3] }},
		{"no header", func([]byte) []byte { return []byte("index") }},
		{"empty", func([]byte) []byte { return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := Open(t.TempDir())
			if err := c.Put("layers", "k", []byte("a layer index")); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(c.Dir(), "layers", "k")
			b, _ := os.ReadFile(p)
			if err := os.WriteFile(p, tc.damage(b), 0o644); err != nil {
				t.Fatal(err)
			}
			if got, ok := c.Get("layers", "k"); ok {
				t.Fatalf("Get of a damaged entry = %q, ok; want a miss", got)
			}
			if _, err := os.Stat(p); !os.IsNotExist(err) {
				t.Errorf("damaged entry still on disk (stat err %v), want it removed", err)
			}
		})
	}
}

func TestKeysStayInside(t *testing.T) {
	c, _ := Open(t.TempDir())
	for _, key := range []string{"../x", "a/b", "", ".hidden"} {
		if err := c.Put("layers", key, []byte("x")); err == nil {
			t.Errorf("Put(%q) succeeded, want an error", key)
		}
	}
}

func TestConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := Open(dir) // two runs sharing one directory
			if err != nil {
				t.Error(err)
				return
			}
			for range 50 {
				if err := c.Put("layers", "shared", []byte("same payload")); err != nil {
					t.Error(err)
				}
				if got, ok := c.Get("layers", "shared"); ok && string(got) != "same payload" {
					t.Errorf("writer %d read %q", i, got)
				}
			}
		}()
	}
	wg.Wait()
	c, _ := Open(dir)
	if got, ok := c.Get("layers", "shared"); !ok || string(got) != "same payload" {
		t.Fatalf("Get after concurrent writers = %q, %v", got, ok)
	}
}

// TestSwappedEntriesMiss copies each of two valid entries over the other's
// file: neither is taken for the other key, and both are removed.
func TestSwappedEntriesMiss(t *testing.T) {
	for _, tc := range []struct {
		name               string
		kindA, keyA        string
		kindB, keyB        string
		payloadA, payloadB string
	}{
		{"two layers", "layers", "sha256-aa-v3-gob", "layers", "sha256-bb-v3-gob", "index of aa", "index of bb"},
		{"a layer and a config", "layers", "sha256-aa", "configs", "sha256-aa", "index of aa", "config of aa"},
		{"same digest, other analyzer version", "layers", "sha256-aa-v3-gob", "layers", "sha256-aa-v4-gob", "index v3", "index v4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Put(tc.kindA, tc.keyA, []byte(tc.payloadA)); err != nil {
				t.Fatal(err)
			}
			if err := c.Put(tc.kindB, tc.keyB, []byte(tc.payloadB)); err != nil {
				t.Fatal(err)
			}
			pa := filepath.Join(c.Dir(), tc.kindA, tc.keyA)
			pb := filepath.Join(c.Dir(), tc.kindB, tc.keyB)
			a, _ := os.ReadFile(pa)
			b, _ := os.ReadFile(pb)
			if err := os.WriteFile(pa, b, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(pb, a, 0o600); err != nil {
				t.Fatal(err)
			}
			if got, ok := c.Get(tc.kindA, tc.keyA); ok {
				t.Errorf("Get(%s, %s) after swapping = %q, ok; want a miss", tc.kindA, tc.keyA, got)
			}
			if got, ok := c.Get(tc.kindB, tc.keyB); ok {
				t.Errorf("Get(%s, %s) after swapping = %q, ok; want a miss", tc.kindB, tc.keyB, got)
			}
			for _, p := range []string{pa, pb} {
				if _, err := os.Stat(p); !os.IsNotExist(err) {
					t.Errorf("swapped entry %s still on disk (stat err %v), want it removed", filepath.Base(p), err)
				}
			}
		})
	}
}

// TestOldFormatIsAMiss reads an entry of the format without a name: a
// miss, which the next Put replaces.
func TestOldFormatIsAMiss(t *testing.T) {
	c, _ := Open(t.TempDir())
	p := filepath.Join(c.Dir(), "layers", "k")
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	old := "sammatrix-cache-1 " + "9d8a7f3e7c6a7c2b2f3a0e8fd2f3c1a3b5a0e1c2d3e4f5a6b7c8d9e0f1a2b3c4" + "\nindex"
	if err := os.WriteFile(p, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, ok := c.Get("layers", "k"); ok {
		t.Fatalf("Get of a sammatrix-cache-1 entry = %q, ok; want a miss", got)
	}
	if err := c.Put("layers", "k", []byte("index")); err != nil {
		t.Fatal(err)
	}
	if got, ok := c.Get("layers", "k"); !ok || string(got) != "index" {
		t.Errorf("Get after Put over an old entry = %q, %v, want %q, true", got, ok, "index")
	}
}

// TestOpenRefusesUnsafeDir opens directories another local user could
// write into: each is refused with an error naming the directory and why.
func TestOpenRefusesUnsafeDir(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns the directory to open
		want  string
	}{
		{"owned by another user", func(t *testing.T, dir string) string {
			requireRoot(t)
			d := filepath.Join(dir, "c")
			mkdir(t, d, 0o700)
			if err := os.Chown(d, 65534, 65534); err != nil {
				t.Fatal(err)
			}
			return d
		}, "owned by uid 65534"},
		{"world-writable", func(t *testing.T, dir string) string {
			d := filepath.Join(dir, "c")
			mkdir(t, d, 0o777)
			return d
		}, "lets other users write"},
		{"group-writable", func(t *testing.T, dir string) string {
			d := filepath.Join(dir, "c")
			mkdir(t, d, 0o770)
			return d
		}, "lets other users write"},
		{"symbolic link", func(t *testing.T, dir string) string {
			d := filepath.Join(dir, "real")
			mkdir(t, d, 0o700)
			l := filepath.Join(dir, "c")
			if err := os.Symlink(d, l); err != nil {
				t.Fatal(err)
			}
			return l
		}, "symbolic link"},
		{"kind subdirectory world-writable", func(t *testing.T, dir string) string {
			d := filepath.Join(dir, "c")
			mkdir(t, d, 0o700)
			mkdir(t, filepath.Join(d, "layers"), 0o777)
			return d
		}, "layers"},
		{"kind subdirectory a symbolic link", func(t *testing.T, dir string) string {
			d := filepath.Join(dir, "c")
			mkdir(t, d, 0o700)
			mkdir(t, filepath.Join(dir, "elsewhere"), 0o700)
			if err := os.Symlink(filepath.Join(dir, "elsewhere"), filepath.Join(d, "layers")); err != nil {
				t.Fatal(err)
			}
			return d
		}, "symbolic link"},
		{"under a regular file", func(t *testing.T, dir string) string {
			f := filepath.Join(dir, "file")
			if err := os.WriteFile(f, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(f, "c")
		}, "not a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.setup(t, t.TempDir())
			c, err := Open(d)
			if err == nil {
				t.Fatalf("Open(%s) = %v, nil; want an error", tc.name, c)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), filepath.Dir(d)) {
				t.Errorf("Open(%s) error = %q, want it to name the directory and say %q", tc.name, err, tc.want)
			}
		})
	}
}

func TestOpenCreatesPrivateDir(t *testing.T) {
	d := filepath.Join(t.TempDir(), "a", "c")
	c, err := Open(d)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Put("layers", "k", []byte("x")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{d, filepath.Join(d, "layers")} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("Open and Put made %s with mode %04o, want no access for group and others", p, perm)
		}
	}
	if _, err := Open(d); err != nil {
		t.Errorf("Open(%s) again = %v, want the directory it made accepted", d, err)
	}
}

func mkdir(t *testing.T, d string, perm os.FileMode) {
	t.Helper()
	if err := os.Mkdir(d, perm); err != nil {
		t.Fatal(err)
	}
	// Mkdir applies the umask; the test wants these bits exactly.
	if err := os.Chmod(d, perm); err != nil {
		t.Fatal(err)
	}
}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("giving a directory to another user needs root")
	}
}
