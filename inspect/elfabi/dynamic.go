package elfabi

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"slices"
)

// Values of File.Dynamic: where the dynamic-linking facts were read from.
const (
	// DynamicSections means the facts come from the .dynamic and GNU
	// version sections named by the section headers.
	DynamicSections = "sections"
	// DynamicSegments means the facts come from the PT_DYNAMIC segment,
	// its addresses mapped to the file through the PT_LOAD segments, as the
	// dynamic loader reads them. It is used when the file has no section
	// headers (as after sstrip) or lacks the sections its dynamic table
	// refers to.
	DynamicSegments = "segments"
)

// ErrNoDynamic is wrapped by the error Read returns for a dynamically linked
// program (one with a PT_INTERP segment) that has neither a dynamic section
// nor a PT_DYNAMIC segment, so that what it needs cannot be known.
var ErrNoDynamic = errors.New("no dynamic section or segment")

// Bounds on what the segment reader accepts; real files stay far below.
const (
	// maxDynamicSize bounds the PT_DYNAMIC segment: 65536 ELF64 entries.
	maxDynamicSize = 1 << 20
	// maxStringLen bounds one string of the dynamic string table.
	maxStringLen = 64 << 10
	// maxVersionFiles bounds the number of version need (one per library)
	// and version definition records.
	maxVersionFiles = 1 << 12
	// maxVersionNames bounds the total number of version names read.
	maxVersionNames = 1 << 14
	// maxStringBytes bounds the total size of the strings read, which
	// many entries naming one long string could otherwise multiply.
	maxStringBytes = 4 << 20
)

// Sizes of the GNU version records, the same in ELF32 and ELF64.
const (
	verneedSize = 16
	vernauxSize = 16
	verdefSize  = 20
	verdauxSize = 8
)

// useSections reports whether the section headers describe the dynamic
// table and every version record it refers to, so that readDynamic and
// readVersions see what the loader sees.
func useSections(ef *elf.File, sec dynamicSection) bool {
	if ef.SectionByType(elf.SHT_DYNAMIC) == nil {
		return false
	}
	versions := ef.SectionByType(elf.SHT_DYNSYM) != nil && ef.SectionByType(elf.SHT_GNU_VERSYM) != nil
	for _, v := range []struct {
		tag elf.DynTag
		typ elf.SectionType
	}{{elf.DT_VERNEED, elf.SHT_GNU_VERNEED}, {elf.DT_VERDEF, elf.SHT_GNU_VERDEF}} {
		// An unreadable dynamic section is reported by readDynamic.
		if len(sec.values(v.tag)) > 0 && (!versions || ef.SectionByType(v.typ) == nil) {
			return false
		}
	}
	return true
}

// dynamicProg returns the PT_DYNAMIC segment, the last one like the loader,
// or nil.
func dynamicProg(ef *elf.File) *elf.Prog {
	var dyn *elf.Prog
	for _, p := range ef.Progs {
		if p.Type == elf.PT_DYNAMIC {
			dyn = p
		}
	}
	return dyn
}

// segments reads the dynamic table of a file through its program headers.
type segments struct {
	r     io.ReaderAt
	size  int64 // of the file, or math.MaxInt64 when r does not tell
	bo    binary.ByteOrder
	class elf.Class
	loads []*elf.Prog
	// mask wraps address arithmetic at 32 or 64 bits, as the loader's
	// pointers do.
	mask uint64
	// names counts the version names read, against maxVersionNames.
	names int
	// strBytes counts the bytes of strings read, against maxStringBytes.
	strBytes int64
	// strtab and strsz locate the dynamic string table in the file.
	strtab, strsz int64
}

// dynEntry is one entry of the dynamic table.
type dynEntry struct {
	tag elf.DynTag
	val uint64
}

// readSegments fills the dynamic-linking facts of f from the PT_DYNAMIC
// segment dyn, as the loader reads them.
func readSegments(ef *elf.File, r io.ReaderAt, dyn *elf.Prog, f *File) error {
	s := &segments{r: r, size: readerSize(r), bo: ef.ByteOrder, class: ef.Class, mask: math.MaxUint64}
	if ef.Class == elf.ELFCLASS32 {
		s.mask = math.MaxUint32
	}
	for _, p := range ef.Progs {
		if p.Type == elf.PT_LOAD {
			s.loads = append(s.loads, p)
		}
	}
	table, err := s.table(dyn)
	if err != nil {
		return err
	}
	one := func(tag elf.DynTag) (uint64, bool) {
		// The loader keeps the last entry of a tag.
		var v uint64
		found := false
		for _, e := range table {
			if e.tag == tag {
				v, found = e.val, true
			}
		}
		return v, found
	}
	if err := s.locateStrings(one); err != nil {
		return err
	}
	for _, e := range table {
		var s1 string
		switch e.tag {
		case elf.DT_NEEDED, elf.DT_SONAME, elf.DT_RPATH, elf.DT_RUNPATH:
			if s1, err = s.str(e.val); err != nil {
				return fmt.Errorf("reading %s: %w", e.tag, err)
			}
		default:
			continue
		}
		switch e.tag {
		case elf.DT_NEEDED:
			f.Needed = append(f.Needed, s1)
		case elf.DT_SONAME:
			// Like the section reader, keep the first.
			if f.SOName == "" {
				f.SOName = s1
			}
		case elf.DT_RPATH:
			f.RPath = append(f.RPath, splitPath(s1)...)
		case elf.DT_RUNPATH:
			f.RunPath = append(f.RunPath, splitPath(s1)...)
		}
	}
	if addr, ok := one(elf.DT_VERDEF); ok {
		n, _ := one(elf.DT_VERDEFNUM)
		if err := s.verdefs(addr, n, f); err != nil {
			return fmt.Errorf("reading version definitions: %w", err)
		}
	}
	if addr, ok := one(elf.DT_VERNEED); ok {
		n, _ := one(elf.DT_VERNEEDNUM)
		if err := s.verneeds(addr, n, f); err != nil {
			return fmt.Errorf("reading version needs: %w", err)
		}
	}
	return nil
}

// readerSize returns the size of the file r reads, or math.MaxInt64 when r
// does not tell it; reads past the end then fail instead.
func readerSize(r io.ReaderAt) int64 {
	switch v := r.(type) {
	case interface{ Size() int64 }:
		return v.Size()
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size()
		}
	}
	return math.MaxInt64
}

// table reads the entries of the dynamic segment up to DT_NULL.
func (s *segments) table(p *elf.Prog) ([]dynEntry, error) {
	if p.Filesz > maxDynamicSize {
		return nil, fmt.Errorf("reading PT_DYNAMIC: segment of %d bytes exceeds %d", p.Filesz, maxDynamicSize)
	}
	if p.Off > uint64(s.size) || p.Filesz > uint64(s.size)-p.Off {
		return nil, fmt.Errorf("reading PT_DYNAMIC: %d bytes at offset %d lie outside the file of %d bytes", p.Filesz, p.Off, s.size)
	}
	b, err := bytesAt(s.r, int64(p.Off), int(p.Filesz))
	if err != nil {
		return nil, fmt.Errorf("reading PT_DYNAMIC: %w", err)
	}
	entSize := 16
	if s.class == elf.ELFCLASS32 {
		entSize = 8
	}
	var table []dynEntry
	for ; len(b) >= entSize; b = b[entSize:] {
		var e dynEntry
		if s.class == elf.ELFCLASS32 {
			e = dynEntry{elf.DynTag(int32(s.bo.Uint32(b))), uint64(s.bo.Uint32(b[4:]))}
		} else {
			e = dynEntry{elf.DynTag(int64(s.bo.Uint64(b))), s.bo.Uint64(b[8:])}
		}
		if e.tag == elf.DT_NULL {
			return table, nil
		}
		table = append(table, e)
	}
	return nil, fmt.Errorf("reading PT_DYNAMIC: no DT_NULL in %d bytes", p.Filesz)
}

// locateStrings finds the dynamic string table from DT_STRTAB and DT_STRSZ.
// A table without strings to look up needs neither.
func (s *segments) locateStrings(one func(elf.DynTag) (uint64, bool)) error {
	addr, hasTab := one(elf.DT_STRTAB)
	size, hasSize := one(elf.DT_STRSZ)
	switch {
	case !hasTab && !hasSize:
		return nil
	case !hasTab:
		return errors.New("reading dynamic string table: DT_STRSZ without DT_STRTAB")
	case !hasSize:
		return errors.New("reading dynamic string table: DT_STRTAB without DT_STRSZ")
	}
	off, err := s.offset(addr, size)
	if err != nil {
		return fmt.Errorf("reading dynamic string table: %w", err)
	}
	s.strtab, s.strsz = off, int64(size)
	return nil
}

// offset returns the file offset of the n bytes at virtual address addr,
// which must lie in the file part of one PT_LOAD segment.
func (s *segments) offset(addr, n uint64) (int64, error) {
	for _, p := range s.loads {
		if addr < p.Vaddr || addr-p.Vaddr >= max(p.Memsz, p.Filesz) {
			continue
		}
		rel := addr - p.Vaddr
		if rel > p.Filesz || n > p.Filesz-rel {
			return 0, fmt.Errorf("%d bytes at address %#x run past the file part of their PT_LOAD segment", n, addr)
		}
		size := uint64(s.size)
		if p.Off > size || rel > size-p.Off || n > size-p.Off-rel {
			return 0, fmt.Errorf("%d bytes at address %#x (offset %d) lie outside the file of %d bytes", n, addr, p.Off+rel, s.size)
		}
		return int64(p.Off + rel), nil
	}
	return 0, fmt.Errorf("address %#x is in no PT_LOAD segment", addr)
}

// read returns the n bytes at virtual address addr.
func (s *segments) read(addr uint64, n int) ([]byte, error) {
	off, err := s.offset(addr, uint64(n))
	if err != nil {
		return nil, err
	}
	b, err := bytesAt(s.r, off, n)
	if err != nil {
		return nil, fmt.Errorf("reading %d bytes at offset %d: %w", n, off, err)
	}
	return b, nil
}

// str returns the NUL-terminated string at index i of the string table,
// reading no more than it needs.
func (s *segments) str(i uint64) (string, error) {
	if i >= uint64(s.strsz) {
		return "", fmt.Errorf("string index %d is outside the string table of %d bytes", i, s.strsz)
	}
	left := min(s.strsz-int64(i), maxStringLen)
	var buf []byte
	for chunk := int64(256); int64(len(buf)) < left; chunk *= 2 {
		if _, ok := s.r.(*memFile); ok {
			chunk = left // in memory, the rest of the table costs no copy
		}
		b, err := bytesAt(s.r, s.strtab+int64(i)+int64(len(buf)), int(min(chunk, left-int64(len(buf)))))
		if err != nil {
			return "", fmt.Errorf("reading string at index %d: %w", i, err)
		}
		j := bytes.IndexByte(b, 0)
		if j >= 0 {
			b = b[:j]
		}
		if s.strBytes += int64(len(b)); s.strBytes > maxStringBytes {
			return "", fmt.Errorf("reading string at index %d: strings of more than %d bytes in all", i, maxStringBytes)
		}
		if j >= 0 && buf == nil {
			return string(b), nil
		}
		buf = append(buf, b...)
		if j >= 0 {
			return string(buf), nil
		}
	}
	return "", fmt.Errorf("string at index %d has no terminating NUL within %d bytes", i, left)
}

// name reads a version name, counting it against maxVersionNames.
func (s *segments) name(i uint64) (string, error) {
	if s.names++; s.names > maxVersionNames {
		return "", fmt.Errorf("more than %d version names", maxVersionNames)
	}
	return s.str(i)
}

// chain walks count records linked by relative offsets, starting at addr:
// visit reads the record at an address and returns the offset of the next
// one, 0 at the end. It fails on a chain that ends early, loops or runs
// longer than count.
func (s *segments) chain(what string, addr, count uint64, visit func(addr uint64) (next uint64, err error)) error {
	seen := make(map[uint64]bool)
	for i := uint64(0); i < count; i++ {
		if seen[addr] {
			return fmt.Errorf("%s chain loops back to address %#x", what, addr)
		}
		seen[addr] = true
		next, err := visit(addr)
		if err != nil {
			return err
		}
		if next == 0 {
			if i+1 < count {
				return fmt.Errorf("%s chain ends after %d of %d records", what, i+1, count)
			}
			return nil
		}
		addr = (addr + next) & s.mask
	}
	return fmt.Errorf("%s chain runs past its %d records", what, count)
}

// verneeds reads count version need records from addr into f.Needs.
func (s *segments) verneeds(addr, count uint64, f *File) error {
	if count == 0 || count > maxVersionFiles {
		return fmt.Errorf("DT_VERNEEDNUM is %d, want 1 to %d", count, maxVersionFiles)
	}
	return s.chain("version need", addr, count, func(at uint64) (uint64, error) {
		b, err := s.read(at, verneedSize)
		if err != nil {
			return 0, err
		}
		if v := s.bo.Uint16(b); v != 1 {
			return 0, fmt.Errorf("version need at %#x has version %d, want 1", at, v)
		}
		cnt := uint64(s.bo.Uint16(b[2:]))
		file, err := s.str(uint64(s.bo.Uint32(b[4:])))
		if err != nil {
			return 0, err
		}
		if f.Needs == nil {
			f.Needs = make(map[string][]Need)
		}
		list := f.Needs[file]
		if cnt > 0 {
			err = s.chain("version need aux", (at+uint64(s.bo.Uint32(b[8:])))&s.mask, cnt, func(aux uint64) (uint64, error) {
				a, err := s.read(aux, vernauxSize)
				if err != nil {
					return 0, err
				}
				name, err := s.name(uint64(s.bo.Uint32(a[8:])))
				if err != nil {
					return 0, err
				}
				flags := elf.DynamicVersionFlag(s.bo.Uint16(a[4:]))
				list = append(list, Need{Name: name, Weak: flags&elf.VER_FLG_WEAK != 0})
				return uint64(s.bo.Uint32(a[12:])), nil
			})
			if err != nil {
				return 0, err
			}
		}
		sortNeeds(list)
		f.Needs[file] = list
		return uint64(s.bo.Uint32(b[12:])), nil
	})
}

// verdefs reads count version definition records from addr into f.Defines,
// leaving out the base definition, which names the file itself.
func (s *segments) verdefs(addr, count uint64, f *File) error {
	if count == 0 || count > maxVersionFiles {
		return fmt.Errorf("DT_VERDEFNUM is %d, want 1 to %d", count, maxVersionFiles)
	}
	err := s.chain("version definition", addr, count, func(at uint64) (uint64, error) {
		b, err := s.read(at, verdefSize)
		if err != nil {
			return 0, err
		}
		if v := s.bo.Uint16(b); v != 1 {
			return 0, fmt.Errorf("version definition at %#x has version %d, want 1", at, v)
		}
		flags := elf.DynamicVersionFlag(s.bo.Uint16(b[2:]))
		if s.bo.Uint16(b[6:]) == 0 {
			return 0, fmt.Errorf("version definition at %#x has no name", at)
		}
		// The first auxiliary record names the version; the others its
		// parents, which are defined by records of their own.
		a, err := s.read((at+uint64(s.bo.Uint32(b[12:])))&s.mask, verdauxSize)
		if err != nil {
			return 0, err
		}
		name, err := s.name(uint64(s.bo.Uint32(a)))
		if err != nil {
			return 0, err
		}
		if flags&elf.VER_FLG_BASE == 0 && !slices.Contains(f.Defines, name) {
			f.Defines = append(f.Defines, name)
		}
		return uint64(s.bo.Uint32(b[16:])), nil
	})
	slices.SortFunc(f.Defines, Compare)
	return err
}
