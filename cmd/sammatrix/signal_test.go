package main

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sammatrix/sammatrix/cmd/sammatrix/internal/cli"
	"github.com/sammatrix/sammatrix/inspect/fixture"
)

// paddingSize is the size of the blob that makes the archive slow to
// extract: long enough for a signal to arrive in the middle.
const paddingSize = 384 << 20

// A signal in the middle of extracting an oci-archive stops the extraction
// at once: the process says what it was doing, exits with the signal's
// code within a second, and leaves no temporary file behind, in TMPDIR or
// in the cache.
func TestSignalDuringExtraction(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a large archive")
	}
	bin := filepath.Join(t.TempDir(), "sammatrix")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	archive := writeLargeArchive(t)

	tests := []struct {
		sig  syscall.Signal
		want int
	}{
		{syscall.SIGINT, cli.ExitInterrupted},
		{syscall.SIGTERM, cli.ExitTerminated},
	}
	for _, tt := range tests {
		t.Run(tt.sig.String(), func(t *testing.T) {
			tmp, cache := t.TempDir(), t.TempDir()
			cmd := exec.Command(bin, "inspect", "--cache-dir", cache, "oci-archive:"+archive)
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			defer cmd.Process.Kill()

			// The extraction directory appears before the first byte is copied.
			for deadline := time.Now().Add(10 * time.Second); empty(t, tmp); time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("sammatrix inspect created nothing in TMPDIR within 10s\n%s", stderr.String())
				}
			}
			if err := cmd.Process.Signal(tt.sig); err != nil {
				t.Fatalf("sending %s: %v", tt.sig, err)
			}
			select {
			case <-exited:
			case <-time.After(time.Second):
				t.Fatalf("sammatrix inspect still runs 1s after %s", tt.sig)
			}
			if got := cmd.ProcessState.ExitCode(); got != tt.want {
				t.Errorf("sammatrix inspect after %s exited with %d (%s), want %d\n%s", tt.sig, got, cmd.ProcessState, tt.want, stderr.String())
			}
			if got, want := stderr.String(), "sammatrix: interrupted while reading 1 image\n"; got != want {
				t.Errorf("sammatrix inspect after %s printed %q, want %q", tt.sig, got, want)
			}
			if left := files(t, tmp); len(left) > 0 {
				t.Errorf("sammatrix inspect after %s left %q in TMPDIR, want nothing", tt.sig, left)
			}
			for _, f := range files(t, cache) {
				if strings.HasPrefix(filepath.Base(f), ".tmp-") {
					t.Errorf("sammatrix inspect after %s left the partial cache entry %q", tt.sig, f)
				}
			}
		})
	}
}

// writeLargeArchive writes an oci-archive of a fixture image whose layout
// also holds a large unreferenced blob, first in the archive.
func writeLargeArchive(t *testing.T) string {
	t.Helper()
	s, ok := fixture.Lookup("ruby3.2")
	if !ok {
		t.Fatal("no fixture ruby3.2")
	}
	img, err := fixture.Build(fixture.Inputs(), s)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "layout")
	if err := fixture.WriteLayout(dir, map[string]v1.Image{s.Tag: img}); err != nil {
		t.Fatal(err)
	}
	block := bytes.Repeat([]byte("sammatrix padding\n"), 1<<16)
	h := sha256.New()
	for n := 0; n < paddingSize; n += len(block) {
		h.Write(block[:min(len(block), paddingSize-n)])
	}

	path := filepath.Join(t.TempDir(), "large.tar")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	add := func(name string, size int64, r io.Reader) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: size, Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(tw, r); err != nil {
			t.Fatal(err)
		}
	}
	add("blobs/sha256/"+hex.EncodeToString(h.Sum(nil)), paddingSize, io.LimitReader(repeat(block), paddingSize))
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		r, err := os.Open(p)
		if err != nil {
			return err
		}
		defer r.Close()
		add(filepath.ToSlash(rel), info.Size(), r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// repeat reads b over and over.
func repeat(b []byte) io.Reader {
	return &repeater{b: b}
}

type repeater struct {
	b   []byte
	off int
}

func (r *repeater) Read(p []byte) (int, error) {
	n := copy(p, r.b[r.off:])
	r.off = (r.off + n) % len(r.b)
	return n, nil
}

func empty(t *testing.T, dir string) bool {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return len(ents) == 0
}

// files lists every file and directory under dir.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if p != dir {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
