package cache

import (
	"os"
	"path/filepath"
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
