package synth

import (
	"archive/tar"
	"fmt"
	"io"
	"math/rand/v2"
	"path"
	"time"
)

// ModTime is the modification time of every entry.
var ModTime = time.Date(2024, 6, 26, 16, 41, 4, 0, time.UTC)

// kind is the kind of file a directory of a layer gets.
type kind int

const (
	lib  kind = iota // a shared library: ELF, named *.so.N, with a soname symlink
	prog             // a program: ELF
	text             // a source or data file: text
)

// place is a directory that gets files of one kind, with a weight.
type place struct {
	dir    string
	kind   kind
	weight int
}

// profiles are the layers of a SAM build image, the biggest first: the
// base OS, the language runtime, the development tools, /opt, site
// packages and shared data. A generated layer i has profiles[i%len].
var profiles = []struct {
	name   string
	share  int // of the image's size, relative
	places []place
}{
	{"os", 30, []place{
		{"/usr/lib64", lib, 40}, {"/usr/bin", prog, 25}, {"/usr/share/doc", text, 15}, {"/usr/lib64/gconv", lib, 10}, {"/etc/pki", text, 2},
	}},
	{"lang", 18, []place{
		{"/var/lang/lib/python3.12", text, 35}, {"/var/lang/lib", lib, 35}, {"/var/lang/lib/python3.12/lib-dynload", lib, 15}, {"/var/lang/bin", prog, 15},
	}},
	{"devtools", 24, []place{
		{"/usr/libexec/gcc/x86_64-amazon-linux/11", prog, 40}, {"/usr/lib64", lib, 25}, {"/usr/include", text, 25}, {"/usr/bin", prog, 10},
	}},
	{"opt", 8, []place{
		{"/opt/aws/lib", lib, 40}, {"/opt/aws/bin", prog, 30}, {"/opt/aws/share", text, 30},
	}},
	{"site-packages", 12, []place{
		{"/var/lang/lib/python3.12/site-packages", text, 50}, {"/var/lang/lib/python3.12/site-packages", lib, 50},
	}},
	{"share", 8, []place{
		{"/usr/share/locale", text, 50}, {"/usr/lib/jvm/lib", lib, 30}, {"/usr/share/man", text, 20},
	}},
}

// Sizes of generated files and how often a large library is added.
const (
	minText     = 512
	maxTextFile = 48 << 10
	maxTail     = 64 << 10
	// bigLibEvery is about how many bytes of a layer come between two
	// libraries larger than the scanner buffers in memory (16 MiB).
	bigLibEvery = 192 << 20
	bigLibSize  = 20 << 20
)

// layerGen writes the tar stream of one generated layer.
type layerGen struct {
	c     *corpus
	rng   *rand.Rand
	tw    *tar.Writer
	dirs  map[string]bool
	n     int   // files written
	size  int64 // contents written
	names map[string]int
}

// writeLayer writes a tar stream of about size bytes of contents for
// generated layer i to w and returns the number of files in it.
func writeLayer(w io.Writer, c *corpus, i int, size int64, seed uint64) (int, error) {
	g := &layerGen{
		c:     c,
		rng:   rand.New(rand.NewPCG(seed, uint64(i))),
		tw:    tar.NewWriter(w),
		dirs:  map[string]bool{"/": true},
		names: map[string]int{},
	}
	p := profiles[i%len(profiles)]
	total := 0
	for _, pl := range p.places {
		total += pl.weight
	}
	nextBig := int64(bigLibEvery / 2)
	for g.size < size {
		var err error
		if g.size >= nextBig && size >= bigLibSize*2 {
			nextBig += bigLibEvery
			err = g.lib(placeOf(p.places, lib), bigLibSize)
		} else {
			pl := pick(p.places, total, g.rng)
			switch pl.kind {
			case lib:
				err = g.lib(pl.dir, 0)
			case prog:
				err = g.prog(pl.dir)
			case text:
				err = g.text(pl.dir)
			}
		}
		if err != nil {
			return g.n, err
		}
	}
	if err := g.tw.Close(); err != nil {
		return g.n, fmt.Errorf("closing tar stream: %w", err)
	}
	return g.n, nil
}

func pick(places []place, total int, rng *rand.Rand) place {
	r := rng.IntN(total)
	for _, pl := range places {
		if r < pl.weight {
			return pl
		}
		r -= pl.weight
	}
	return places[len(places)-1]
}

// placeOf returns the first directory of places for files of kind k, or
// /usr/lib64.
func placeOf(places []place, k kind) string {
	for _, pl := range places {
		if pl.kind == k {
			return pl.dir
		}
	}
	return "/usr/lib64"
}

// elf returns a whole ELF file of the corpus with a mutated tail; with
// atLeast > 0, the tail makes it at least that long.
func (g *layerGen) elf(atLeast int) []byte {
	body := g.c.elves[g.rng.IntN(len(g.c.elves))]
	tail := g.rng.IntN(maxTail)
	if n := atLeast - len(body); n > tail {
		tail = n
	}
	out := make([]byte, len(body), len(body)+tail)
	copy(out, body)
	// The tail repeats corpus bytes (ELF files after the first) so that it
	// compresses like the rest; ELF readers never look past the sections.
	for len(out) < len(body)+tail {
		src := g.c.elves[g.rng.IntN(len(g.c.elves))]
		off := g.rng.IntN(len(src))
		n := min(len(src)-off, len(body)+tail-len(out))
		out = append(out, src[off:off+n]...)
	}
	mutate(out[len(body):], g.rng)
	return out
}

func (g *layerGen) lib(dir string, atLeast int) error {
	base := g.name("lib", ".so")
	major := g.rng.IntN(9)
	soname := fmt.Sprintf("%s.%d", base, major)
	real := fmt.Sprintf("%s.%d.%d", soname, g.rng.IntN(40), g.rng.IntN(10))
	if err := g.file(path.Join(dir, real), 0o755, g.elf(atLeast)); err != nil {
		return err
	}
	return g.symlink(path.Join(dir, soname), real)
}

func (g *layerGen) prog(dir string) error {
	return g.file(path.Join(dir, g.name("", "")), 0o755, g.elf(0))
}

// text writes a package of text files: a directory of a few to a few
// dozen sources or documents, as Python packages and headers come.
func (g *layerGen) text(dir string) error {
	sub := fmt.Sprintf("%s/%s/sub%d", dir, g.name("pkg", ""), g.rng.IntN(4))
	ext := [...]string{".py", ".h", ".txt", ".json"}[g.rng.IntN(4)]
	for range 4 + g.rng.IntN(40) {
		// Sizes spread over two orders of magnitude, most files small.
		n := minText + int(float64(maxTextFile-minText)*g.rng.Float64()*g.rng.Float64())
		src := g.c.text
		n = min(n, len(src))
		off := g.rng.IntN(len(src) - n + 1)
		b := append([]byte(nil), src[off:off+n]...)
		mutate(b, g.rng)
		if err := g.file(path.Join(sub, g.name("", ext)), 0o644, b); err != nil {
			return err
		}
	}
	return nil
}

// name returns a new file name: prefix, a word, a number and ext.
func (g *layerGen) name(prefix, ext string) string {
	words := [...]string{"core", "ssl", "xml", "crypt", "ffi", "z", "gmp", "curl", "icu", "sql", "util", "pcre", "boost", "gcc", "std", "gfortran"}
	w := words[g.rng.IntN(len(words))]
	g.names[w]++
	return fmt.Sprintf("%s%s%d%s", prefix, w, g.names[w], ext)
}

// mkdirs writes the directory entries of p's parents not written yet.
func (g *layerGen) mkdirs(p string) error {
	d := path.Dir(p)
	if g.dirs[d] {
		return nil
	}
	if err := g.mkdirs(d); err != nil {
		return err
	}
	g.dirs[d] = true
	return g.header(&tar.Header{Typeflag: tar.TypeDir, Name: d[1:] + "/", Mode: 0o755})
}

func (g *layerGen) header(h *tar.Header) error {
	h.ModTime = ModTime
	if err := g.tw.WriteHeader(h); err != nil {
		return fmt.Errorf("writing tar header %q: %w", h.Name, err)
	}
	return nil
}

func (g *layerGen) file(p string, mode int64, data []byte) error {
	if err := g.mkdirs(p); err != nil {
		return err
	}
	if err := g.header(&tar.Header{Typeflag: tar.TypeReg, Name: p[1:], Mode: mode, Size: int64(len(data))}); err != nil {
		return err
	}
	if _, err := g.tw.Write(data); err != nil {
		return fmt.Errorf("writing tar entry %q: %w", p, err)
	}
	g.n++
	g.size += int64(len(data))
	return nil
}

func (g *layerGen) symlink(p, target string) error {
	if err := g.header(&tar.Header{Typeflag: tar.TypeSymlink, Name: p[1:], Linkname: target, Mode: 0o777}); err != nil {
		return err
	}
	g.n++
	return nil
}
