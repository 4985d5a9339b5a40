package scan

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/sammatrix/sammatrix/inspect/layer"
	"github.com/sammatrix/sammatrix/inspect/rpm"
	"github.com/sammatrix/sammatrix/inspect/rpmdb"
)

// chunkSize is the size of the reads of file contents.
const chunkSize = 64 << 10

// blockSize is the tar block size; the archive ends with two zero blocks.
const blockSize = 512

// Tar scans an uncompressed tar stream. The stream must end with the tar
// end-of-archive marker: a stream cut short is an error.
func Tar(r io.Reader, opts Options) (*layer.Index, error) {
	c := &counter{r: r, progress: opts.Progress}
	s := newScanner(opts)
	err := s.scan(c)
	c.done()
	if err != nil {
		return nil, err
	}
	s.idx.Size = c.n
	return s.finish(), nil
}

// scanner holds the state of the scan of one layer.
type scanner struct {
	opts    Options
	idx     layer.Index
	files   map[string]int // path → index in idx.Entries of the last file kept there
	dropped int            // warnings beyond MaxWarnings
	buf     []byte
	fp      fingerprinter // reused for the fingerprint of each file
}

func newScanner(opts Options) *scanner {
	return &scanner{opts: opts, files: map[string]int{}, buf: make([]byte, chunkSize)}
}

// finish returns the index, with a last warning counting those left out.
func (s *scanner) finish() *layer.Index {
	if s.dropped > 0 {
		s.idx.Warnings = append(s.idx.Warnings, fmt.Sprintf("%d more warnings left out", s.dropped))
	}
	return &s.idx
}

func (s *scanner) warnf(format string, args ...any) {
	if len(s.idx.Warnings) >= MaxWarnings {
		s.dropped++
		return
	}
	s.idx.Warnings = append(s.idx.Warnings, fmt.Sprintf(format, args...))
}

func (s *scanner) add(e layer.Entry) int {
	s.idx.Entries = append(s.idx.Entries, e)
	return len(s.idx.Entries) - 1
}

func (s *scanner) tempDir() string {
	if s.opts.TempDir != "" {
		return s.opts.TempDir
	}
	return os.TempDir()
}

// scan reads the tar stream from c to its end-of-archive marker.
func (s *scanner) scan(c *counter) error {
	tr := tar.NewReader(c)
	last := ""
	for {
		mark := c.n
		hdr, err := tr.Next()
		if err == io.EOF {
			// archive/tar takes a stream that stops right after an entry
			// for a complete archive; a real one ends with zero blocks,
			// after at most one block of padding.
			if c.n-mark < blockSize {
				return fmt.Errorf("reading tar stream after %q: no end-of-archive marker: %w", last, io.ErrUnexpectedEOF)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading tar header after %q: %w", last, err)
		}
		last = hdr.Name
		s.idx.Files++
		if isSparse(hdr) {
			// The holes of a sparse file read as zeros: a few bytes of
			// archive could make exabytes. Next skips what is stored.
			s.warnf("ignoring sparse file %q", hdr.Name)
			continue
		}
		if err := s.entry(tr, hdr); err != nil {
			return err
		}
		// Read the rest of the contents here so that a broken stream is
		// reported with the name of the entry it broke in.
		if err := s.skip(tr); err != nil {
			return fmt.Errorf("reading tar entry %q: %w", hdr.Name, err)
		}
	}
}

// skip reads r to its end in chunks of the scanner's buffer (io.Copy to
// io.Discard would read in much smaller ones).
func (s *scanner) skip(r io.Reader) error {
	for {
		_, err := r.Read(s.buf)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// isSparse reports whether the entry is a GNU sparse file, in the old GNU
// format or in one of the PAX ones.
func isSparse(hdr *tar.Header) bool {
	if hdr.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// entry records one tar entry if it is of interest.
func (s *scanner) entry(tr *tar.Reader, hdr *tar.Header) error {
	p, ok := cleanName(hdr.Name)
	if !ok {
		s.warnf("ignoring entry %q: path escapes the layer root", hdr.Name)
		return nil
	}
	if base := path.Base(p); strings.HasPrefix(base, whiteoutPrefix) {
		s.whiteout(hdr.Name, path.Dir(p), base)
		return nil
	}
	mode := uint32(hdr.Mode) & 0o7777
	switch hdr.Typeflag {
	case tar.TypeDir:
		if wantDir(p) {
			s.add(layer.Entry{Path: p, Kind: layer.Dir, Mode: mode})
		}
	case tar.TypeSymlink:
		s.add(layer.Entry{Path: p, Kind: layer.Symlink, Mode: mode, Link: hdr.Linkname})
	case tar.TypeLink:
		s.hardlink(p, mode, hdr)
	case tar.TypeReg, tar.TypeCont:
		return s.file(tr, p, mode, hdr)
	}
	return nil
}

// whiteout records a whiteout or opaque marker named base in directory dir.
func (s *scanner) whiteout(name, dir, base string) {
	switch {
	case base == opaqueName:
		s.add(layer.Entry{Path: dir, Kind: layer.Opaque})
	case strings.HasPrefix(base, whiteoutMeta):
		// Other AUFS metadata files carry nothing for an image.
	default:
		target := base[len(whiteoutPrefix):]
		if target == "" || target == "." || target == ".." {
			s.warnf("ignoring whiteout %q: it names no entry", name)
			return
		}
		s.add(layer.Entry{Path: path.Join(dir, target), Kind: layer.Whiteout})
	}
}

// hardlink binds a hardlink to the file it names in this layer.
func (s *scanner) hardlink(p string, mode uint32, hdr *tar.Header) {
	target, ok := cleanName(hdr.Linkname)
	if !ok {
		s.warnf("ignoring hardlink %q: target %q escapes the layer root", hdr.Name, hdr.Linkname)
		return
	}
	if i, ok := s.files[target]; ok {
		e := s.idx.Entries[i]
		e.Path, e.Link = p, target
		s.files[p] = s.add(e)
		return
	}
	s.add(layer.Entry{Path: p, Kind: layer.Hardlink, Mode: mode, Link: target})
	if interesting(p) || interesting(target) {
		s.warnf("hardlink %q names %q, which is not a file kept from this layer: no facts for it", p, target)
	}
}

// interesting reports whether a regular file at p is kept.
func interesting(p string) bool {
	_, rpm := rpmFormat(p)
	return inTree(p) || isText(p) || isSharedLib(p) || rpm
}

// rpmFormat returns the format of the rpm database at p, if p is where rpm
// keeps one.
func rpmFormat(p string) (rpm.Format, bool) {
	for _, q := range rpm.Paths {
		if p == q {
			return rpm.FormatOf(p)
		}
	}
	return "", false
}

// file records a regular file of interest with its facts.
func (s *scanner) file(tr *tar.Reader, p string, mode uint32, hdr *tar.Header) error {
	format, isRPM := rpmFormat(p)
	w := want{
		fingerprint: inTree(p) || isSharedLib(p),
		text:        isText(p),
	}
	w.elf = w.fingerprint
	if !w.fingerprint && !w.text && !isRPM {
		if isWatched(p) {
			// A file where a watched directory was: keep that it is there.
			s.files[p] = s.add(layer.Entry{Path: p, Kind: layer.File, Mode: mode, Size: hdr.Size})
		}
		return nil
	}
	e := layer.Entry{Path: p, Kind: layer.File, Mode: mode, Size: hdr.Size}
	var err error
	if isRPM {
		err = s.readRPM(&e, tr, hdr, format)
	} else {
		err = s.readContents(&e, tr, hdr, w)
	}
	if err != nil {
		return err
	}
	s.files[p] = s.add(e)
	return nil
}

// readRPM reads the package list of the rpm database in a tar entry. A
// database that cannot be read is a warning, a broken stream an error.
func (s *scanner) readRPM(e *layer.Entry, r io.Reader, hdr *tar.Header, format rpm.Format) error {
	if hdr.Size > rpmdb.MaxSize {
		s.warnf("no packages read from rpm database %q: %d bytes is more than %d", e.Path, hdr.Size, rpmdb.MaxSize)
		return nil
	}
	er := &errReader{r: r}
	pkgs, err := rpmdb.Read(er, s.tempDir(), rpmdb.MaxSize)
	if er.err != nil {
		return fmt.Errorf("reading tar entry %q: %w", hdr.Name, er.err)
	}
	if err != nil {
		s.warnf("no packages read from rpm database %q: %v", e.Path, err)
		return nil
	}
	e.RPM = &layer.RPM{Format: format, Packages: pkgs}
	return nil
}
