package synth

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
)

// DefaultSources are the directories whose ELF files seed the contents.
var DefaultSources = []string{"/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/bin", "/usr/libexec"}

// Limits of the corpus read from the sources.
const (
	// CorpusSize is about how many bytes of ELF files are read.
	CorpusSize = 64 << 20
	// MaxSourceFile is the largest source file read.
	MaxSourceFile = 24 << 20
	// minSourceFile is the smallest source file read: smaller ones are
	// mostly headers.
	minSourceFile = 4 << 10
	// maxText is the most printable text kept from the corpus.
	maxText = 8 << 20
)

var elfMagic = []byte("\x7fELF")

// corpus holds the real bytes the files of the image are made of.
type corpus struct {
	elves [][]byte // whole ELF files
	text  []byte   // printable strings of the ELF files, one a line
}

// loadCorpus reads up to CorpusSize bytes of ELF files from the source
// directories, chosen at random (by seed) among all of them, plus the
// running program, which is always an ELF file on Linux.
func loadCorpus(sources []string, seed uint64) (*corpus, error) {
	type cand struct {
		path string
		size int64
	}
	var cands []cand
	seen := map[string]bool{}
	for _, dir := range sources {
		// A missing or unreadable source only makes the corpus smaller.
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return nil
			}
			info, err := d.Info()
			if err != nil || info.Size() < minSourceFile || info.Size() > MaxSourceFile {
				return nil
			}
			if real, err := filepath.EvalSymlinks(p); err == nil && !seen[real] {
				seen[real] = true
				cands = append(cands, cand{p, info.Size()})
			}
			return nil
		})
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].path < cands[j].path })
	rng := rand.New(rand.NewPCG(seed, 0x636f72707573))
	rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })

	c := &corpus{}
	if exe, err := os.Executable(); err == nil {
		if b, err := os.ReadFile(exe); err == nil && bytes.HasPrefix(b, elfMagic) {
			c.elves = append(c.elves, b)
		}
	}
	total := 0
	for _, cd := range cands {
		if total >= CorpusSize {
			break
		}
		b, err := os.ReadFile(cd.path)
		if err != nil || !bytes.HasPrefix(b, elfMagic) {
			continue
		}
		c.elves = append(c.elves, b)
		total += len(b)
	}
	if len(c.elves) == 0 {
		return nil, fmt.Errorf("reading ELF files: none in %v, and the running program is not one", sources)
	}
	c.text = printable(c.elves, maxText)
	return c, nil
}

// printable returns the runs of at least 6 printable characters in files,
// one a line, up to max bytes: text that compresses like source code and
// documentation do.
func printable(files [][]byte, max int) []byte {
	out := make([]byte, 0, max)
	for _, f := range files {
		start := -1
		for i, c := range f {
			if c >= 0x20 && c < 0x7f || c == '\t' {
				if start < 0 {
					start = i
				}
				continue
			}
			if start >= 0 && i-start >= 6 {
				out = append(out, f[start:i]...)
				out = append(out, '\n')
				if len(out) >= max {
					return out[:max]
				}
			}
			start = -1
		}
	}
	return out
}

// mutate changes one byte in every few hundred to few thousand of b, so
// that copies of the same bytes differ while still compressing alike.
func mutate(b []byte, rng *rand.Rand) {
	for i := rng.IntN(2048); i < len(b); i += 256 + rng.IntN(3840) {
		b[i] ^= byte(1 + rng.IntN(255))
	}
}
