package scan

import (
	"archive/tar"
	"cmp"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"

	"github.com/sammatrix/sammatrix/inspect/elfabi"
	"github.com/sammatrix/sammatrix/inspect/layer"
	"github.com/sammatrix/sammatrix/matrix/recipe"
)

// want says which facts of a file's contents are kept.
type want struct {
	fingerprint bool // Fingerprint
	elf         bool // ELF facts (and Version for node)
	text        bool // Data
}

// contents gathers the facts of one file while its contents stream by.
type contents struct {
	fp   *fingerprinter
	sum  [16]byte // the fingerprint, once the last chunk is read
	text []byte
	mem  []byte // an ELF file buffered in memory
	// pooled is the buffer mem lives in, given back on close.
	pooled *buffer
	spill  *os.File // a large ELF file spilled to disk
	isELF  bool
	ver    *versionFinder
	// release gives back what mem took from the memory budget.
	release func()
}

// readContents reads the contents of a regular file once and records the
// facts w asks for on e.
func (s *scanner) readContents(e *layer.Entry, r io.Reader, hdr *tar.Header, w want) error {
	var c contents
	defer c.close()
	if w.fingerprint {
		s.fp.reset()
		c.fp = &s.fp
	}
	keepText := w.text && hdr.Size <= MaxTextSize
	if keepText {
		c.text = make([]byte, 0, hdr.Size)
	}
	for first := true; ; first = false {
		// Once an ELF file is being buffered, read straight into its
		// buffer rather than through s.buf and a copy.
		dst, direct := s.buf, false
		if room := cap(c.mem) - len(c.mem); c.mem != nil && room > 0 {
			dst, direct = c.mem[len(c.mem):cap(c.mem)], true
		}
		n, err := fill(r, dst)
		chunk := dst[:n]
		if first && w.elf && elfabi.IsELF(chunk) {
			if err := s.startELF(&c, e, hdr); err != nil {
				return err
			}
		}
		if direct {
			c.mem = c.mem[:len(c.mem)+n]
		}
		// fill stops short only at the end (or a failure): chunks before
		// the last are whole pieces of the fingerprint.
		if err := c.write(chunk, keepText, direct, err != nil); err != nil {
			return fmt.Errorf("spilling ELF file %q: %w", e.Path, err)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("reading tar entry %q: %w", hdr.Name, err)
		}
	}
	if c.fp != nil {
		if c.mem != nil {
			// An ELF file buffered whole is fingerprinted once whole.
			c.sum = fingerprint(c.mem)
		}
		e.Fingerprint = FingerprintPrefix + hex.EncodeToString(c.sum[:])
	}
	switch {
	case keepText:
		e.Data = c.text
	case w.text:
		s.warnf("keeping no contents of %q: %d bytes is more than %d", e.Path, hdr.Size, MaxTextSize)
	}
	if c.ver != nil {
		e.Version = c.ver.Version()
	}
	s.readELF(&c, e)
	return nil
}

// startELF decides where the contents of an ELF file go to be read later.
func (s *scanner) startELF(c *contents, e *layer.Entry, hdr *tar.Header) error {
	c.isELF = true
	// node is found by name, and a hard link may make another name the
	// file itself: look in every program of node's directory too.
	if path.Base(e.Path) == path.Base(recipe.NodePath) || path.Dir(e.Path) == path.Dir(recipe.NodePath) {
		c.ver = &versionFinder{}
	}
	maxSize := cmp.Or(s.opts.maxELFSize, MaxELFSize)
	switch {
	case hdr.Size > maxSize:
		s.noELF(e, fmt.Sprintf("%d bytes is more than %d", hdr.Size, maxSize))
	case hdr.Size <= MaxELFMemory && s.buffer(hdr.Size, c):
		c.mem = c.pooled.b[:0:hdr.Size]
	default:
		f, err := os.CreateTemp(s.tempDir(), "sammatrix-elf-*")
		if err != nil {
			return fmt.Errorf("spilling ELF file %q: %w", e.Path, err)
		}
		c.spill = f
	}
	return nil
}

// noELF records on e, and in a warning, why an ELF file has no ELF facts.
func (s *scanner) noELF(e *layer.Entry, reason string) {
	e.ELFError = reason
	s.warnf("no ELF facts for %q: %s", e.Path, reason)
}

// write passes one chunk of contents to every fact being gathered; inMem
// says the chunk was read into the ELF buffer already, last that no
// chunk follows.
func (c *contents) write(b []byte, keepText, inMem, last bool) error {
	switch {
	case c.fp == nil || c.mem != nil:
		// An ELF file buffered in memory is fingerprinted once whole.
	case last:
		c.sum = c.fp.sum(b)
	default:
		c.fp.write(b)
	}
	if keepText {
		c.text = append(c.text, b...)
	}
	if c.ver != nil {
		c.ver.Write(b)
	}
	if c.mem != nil && !inMem {
		// The header's size bounds the buffer: never grow past it.
		b = b[:min(len(b), cap(c.mem)-len(c.mem))]
		c.mem = append(c.mem, b...)
	}
	if c.spill != nil {
		if _, err := c.spill.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// readELF records the ELF facts of the buffered or spilled contents.
func (s *scanner) readELF(c *contents, e *layer.Entry) {
	var f *elfabi.File
	var err error
	switch {
	case c.mem != nil:
		f, err = elfabi.ReadBytes(c.mem)
	case c.spill != nil:
		f, err = elfabi.Read(c.spill)
	default:
		return
	}
	if err != nil {
		s.noELF(e, err.Error())
		return
	}
	e.ELF = f
}

// buffer hands c a buffer for n bytes, taking from the shared memory
// budget what it will hold resident: n, or more if the buffer held more
// before. When the budget is spent (other layers hold large files right
// now) it reports false and the file is spilled to disk instead, so
// memory does not grow with the number of jobs.
func (s *scanner) buffer(n int64, c *contents) bool {
	buf := getBuffer()
	if b := s.opts.Memory; b != nil {
		resident := max(n, buf.used)
		if !b.TryAcquire(resident) {
			putBuffer(buf)
			return false
		}
		c.release = func() { b.Release(resident) }
	}
	c.pooled = buf
	return true
}

// close removes the spilled file, if any, and gives back the memory.
func (c *contents) close() {
	if c.pooled != nil {
		c.pooled.used = max(c.pooled.used, int64(len(c.mem)))
		c.mem = nil
		putBuffer(c.pooled)
		c.pooled = nil
	}
	if c.release != nil {
		c.release()
	}
	if c.spill != nil {
		c.spill.Close()
		os.Remove(c.spill.Name())
	}
}
