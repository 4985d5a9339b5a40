package elfabi

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// ErrNotELF is wrapped by the error Read returns for input that does not
// start with the ELF magic.
var ErrNotELF = errors.New("not an ELF file")

// maxInterpSize bounds the PT_INTERP segment Read accepts; real
// interpreter paths are a few dozen bytes.
const maxInterpSize = 4096

// File holds the dynamic-linking facts of one ELF file.
type File struct {
	Class   string            `json:"class"`             // "ELF64" | "ELF32"
	Machine string            `json:"machine"`           // e.g. "EM_X86_64"
	Type    string            `json:"type"`              // "ET_DYN" | "ET_EXEC" ...
	Interp  string            `json:"interp,omitempty"`  // PT_INTERP
	SOName  string            `json:"soname,omitempty"`  // DT_SONAME
	Needed  []string          `json:"needed,omitempty"`  // DT_NEEDED in order
	RPath   []string          `json:"rpath,omitempty"`   // DT_RPATH split on ':'
	RunPath []string          `json:"runpath,omitempty"` // DT_RUNPATH split on ':'
	Defines []string          `json:"defines,omitempty"` // version definitions except the base one, sorted with Less
	Needs   map[string][]Need `json:"needs,omitempty"`   // library file name -> needed versions, sorted by Less
	// Dynamic says where the facts above from SOName on were read:
	// DynamicSections or DynamicSegments, or "" for a file without a
	// dynamic table (a static binary), which needs nothing.
	Dynamic string `json:"dynamic,omitempty"`
}

// Need is one symbol version an object needs from a library.
type Need struct {
	Name string `json:"name"`
	Weak bool   `json:"weak,omitempty"` // VER_FLG_WEAK: the loader does not insist on it
}

// IsELF reports whether b, the first bytes of a file, starts with the ELF
// magic. It is false when b is shorter than 4 bytes.
func IsELF(b []byte) bool {
	return len(b) >= 4 && string(b[:4]) == elf.ELFMAG
}

// Read reads the dynamic-linking facts from r. It reads only headers and the
// dynamic, version and string sections; when the section headers are
// missing or lack those sections, it reads the PT_DYNAMIC segment instead,
// as the dynamic loader does (see File.Dynamic). A static binary or one
// without version information gives a File with empty fields, not an error.
// Input that is not ELF gives an error wrapping ErrNotELF; a program with an
// interpreter but no dynamic table, an error wrapping ErrNoDynamic; a
// malformed dynamic table, another error.
func Read(r io.ReaderAt) (*File, error) {
	var magic [4]byte
	if n, _ := r.ReadAt(magic[:], 0); !IsELF(magic[:n]) {
		return nil, ErrNotELF
	}
	ef, err := elf.NewFile(r)
	if err != nil {
		return nil, fmt.Errorf("reading ELF headers: %w", err)
	}
	f := &File{
		Class:   className(ef.Class),
		Machine: ef.Machine.String(),
		Type:    ef.Type.String(),
	}
	if f.Interp, err = interp(ef); err != nil {
		return nil, err
	}
	if err := checkSections(ef, readerSize(r)); err != nil {
		return nil, err
	}
	sec := readDynamicSection(ef, r)
	switch dyn := dynamicProg(ef); {
	case useSections(ef, sec):
		f.Dynamic = DynamicSections
		if err := readDynamic(ef, r, sec, f); err != nil {
			return nil, err
		}
		if err := readVersions(ef, r, sec, f); err != nil {
			return nil, err
		}
	case dyn != nil:
		f.Dynamic = DynamicSegments
		if err := readSegments(ef, r, dyn, f); err != nil {
			return nil, err
		}
	case f.Interp != "":
		return nil, fmt.Errorf("reading the needs of a program run by %q: %w", f.Interp, ErrNoDynamic)
	}
	return f, nil
}

// ReadBytes reads the dynamic-linking facts of the ELF file b holds, as Read
// does, but reads its sections and strings where they lie in b instead of
// copying them out.
func ReadBytes(b []byte) (*File, error) {
	return Read(&memFile{Reader: bytes.NewReader(b), b: b})
}

// memFile is an ELF file held whole in memory.
type memFile struct {
	*bytes.Reader
	b []byte
}

// bytesAt returns the n bytes at offset off of r: where they lie when r
// holds the file in memory, a copy read with ReadAt otherwise (and for a
// range outside the file, with ReadAt's error).
func bytesAt(r io.ReaderAt, off int64, n int) ([]byte, error) {
	if m, ok := r.(*memFile); ok && off >= 0 && n >= 0 && off <= int64(len(m.b)) && int64(n) <= int64(len(m.b))-off {
		return m.b[off : off+int64(n) : off+int64(n)], nil
	}
	b := make([]byte, n)
	if _, err := r.ReadAt(b, off); err != nil {
		return nil, err
	}
	return b, nil
}

// sectionData returns the contents of s, as s.Data does; for a file in
// memory, where they lie when they are stored as is and inside the file.
func sectionData(r io.ReaderAt, s *elf.Section) ([]byte, error) {
	if m, ok := r.(*memFile); ok && s.Type != elf.SHT_NOBITS && s.Flags&elf.SHF_COMPRESSED == 0 &&
		s.Size == s.FileSize && s.Offset <= uint64(len(m.b)) && s.Size <= uint64(len(m.b))-s.Offset {
		return m.b[s.Offset : s.Offset+s.Size : s.Offset+s.Size], nil
	}
	return s.Data()
}

// HasVersion reports whether the file defines the version name.
func (f *File) HasVersion(name string) bool {
	return slices.Contains(f.Defines, name)
}

// MaxNeed returns the highest version with the exact prefix that the file
// needs from any library, or "" if it needs none.
func (f *File) MaxNeed(prefix string) string {
	var names []string
	for _, needs := range f.Needs {
		for _, n := range needs {
			names = append(names, n.Name)
		}
	}
	return Max(names, prefix)
}

func className(c elf.Class) string {
	switch c {
	case elf.ELFCLASS64:
		return "ELF64"
	case elf.ELFCLASS32:
		return "ELF32"
	}
	return c.String()
}

func interp(ef *elf.File) (string, error) {
	for _, p := range ef.Progs {
		if p.Type != elf.PT_INTERP {
			continue
		}
		if p.Filesz > maxInterpSize {
			return "", fmt.Errorf("reading PT_INTERP: segment of %d bytes exceeds %d", p.Filesz, maxInterpSize)
		}
		b := make([]byte, p.Filesz)
		if _, err := p.ReadAt(b, 0); err != nil {
			return "", fmt.Errorf("reading PT_INTERP: %w", err)
		}
		s, _, _ := bytes.Cut(b, []byte{0})
		return string(s), nil
	}
	return "", nil
}

// checkSections fails when a section that readDynamic or readVersions reads
// does not lie within the file of size bytes, before debug/elf reads it in
// chunks up to its claimed size.
func checkSections(ef *elf.File, size int64) error {
	for _, sec := range ef.Sections {
		switch sec.Type {
		case elf.SHT_DYNAMIC, elf.SHT_DYNSYM, elf.SHT_STRTAB, elf.SHT_GNU_VERSYM, elf.SHT_GNU_VERNEED, elf.SHT_GNU_VERDEF:
		default:
			continue
		}
		if sec.Offset > uint64(size) || sec.FileSize > uint64(size)-sec.Offset {
			return fmt.Errorf("reading section %q: %d bytes at offset %d lie outside the file of %d bytes", sec.Name, sec.FileSize, sec.Offset, size)
		}
	}
	return nil
}

func readDynamic(ef *elf.File, r io.ReaderAt, sec dynamicSection, f *File) error {
	vals, err := dynStrings(ef, r, sec)
	if err != nil {
		return err
	}
	f.Needed = vals[elf.DT_NEEDED]
	if soname := vals[elf.DT_SONAME]; len(soname) > 0 {
		f.SOName = soname[0]
	}
	for _, v := range vals[elf.DT_RPATH] {
		f.RPath = append(f.RPath, splitPath(v)...)
	}
	for _, v := range vals[elf.DT_RUNPATH] {
		f.RunPath = append(f.RunPath, splitPath(v)...)
	}
	return nil
}

// dynamicSection is every entry of the dynamic section, as debug/elf's
// DynValue and DynString read them (past DT_NULL too), read once for all
// that Read asks of it.
type dynamicSection struct {
	entries []dynEntry
	err     error // why the section could not be read
}

func readDynamicSection(ef *elf.File, r io.ReaderAt) dynamicSection {
	ds := ef.SectionByType(elf.SHT_DYNAMIC)
	if ds == nil {
		return dynamicSection{}
	}
	d, err := sectionData(r, ds)
	if err != nil {
		return dynamicSection{err: fmt.Errorf("reading the dynamic section: %w", err)}
	}
	dynSize := 8
	if ef.Class == elf.ELFCLASS64 {
		dynSize = 16
	}
	if len(d)%dynSize != 0 {
		return dynamicSection{err: errors.New("reading the dynamic section: its length is not a multiple of the dynamic entry size")}
	}
	entries := make([]dynEntry, 0, len(d)/dynSize)
	for ; len(d) > 0; d = d[dynSize:] {
		if ef.Class == elf.ELFCLASS64 {
			entries = append(entries, dynEntry{elf.DynTag(ef.ByteOrder.Uint64(d)), ef.ByteOrder.Uint64(d[8:])})
		} else {
			entries = append(entries, dynEntry{elf.DynTag(ef.ByteOrder.Uint32(d)), uint64(ef.ByteOrder.Uint32(d[4:]))})
		}
	}
	return dynamicSection{entries: entries}
}

// values returns the values of the entries with tag, in order, as
// debug/elf's DynValue does; none when the section could not be read.
func (sec dynamicSection) values(tag elf.DynTag) []uint64 {
	var out []uint64
	for _, e := range sec.entries {
		if e.tag == tag {
			out = append(out, e.val)
		}
	}
	return out
}

// dynStrings returns the string values of DT_NEEDED, DT_SONAME, DT_RPATH
// and DT_RUNPATH in the dynamic section, each in order, as debug/elf's
// DynString does (every entry, a string index outside the table left
// out), reading the string table once instead of once per tag.
func dynStrings(ef *elf.File, r io.ReaderAt, sec dynamicSection) (map[elf.DynTag][]string, error) {
	if sec.err != nil {
		return nil, sec.err
	}
	ds := ef.SectionByType(elf.SHT_DYNAMIC)
	if ds == nil {
		return nil, nil
	}
	if ds.Link == 0 || int(ds.Link) >= len(ef.Sections) {
		return nil, errors.New("reading the dynamic section: it links to no string table")
	}
	str, err := sectionData(r, ef.Sections[ds.Link])
	if err != nil {
		return nil, fmt.Errorf("reading the dynamic string table: %w", err)
	}
	out := map[elf.DynTag][]string{}
	for _, e := range sec.entries {
		switch e.tag {
		case elf.DT_NEEDED, elf.DT_SONAME, elf.DT_RPATH, elf.DT_RUNPATH:
		default:
			continue
		}
		if e.val >= uint64(len(str)) {
			continue
		}
		if end := bytes.IndexByte(str[e.val:], 0); end >= 0 {
			out[e.tag] = append(out[e.tag], string(str[e.val:e.val+uint64(end)]))
		}
	}
	return out, nil
}

// splitPath splits a DT_RPATH or DT_RUNPATH value on ':'.
func splitPath(v string) []string {
	return strings.Split(v, ":")
}

// sortNeeds sorts needed versions with Compare.
func sortNeeds(list []Need) {
	slices.SortFunc(list, func(a, b Need) int { return Compare(a.Name, b.Name) })
}

func readVersions(ef *elf.File, r io.ReaderAt, sec dynamicSection, f *File) error {
	// Without a dynamic symbol table or a version symbol table there is
	// no version information.
	if ef.SectionByType(elf.SHT_DYNSYM) == nil || ef.SectionByType(elf.SHT_GNU_VERSYM) == nil {
		return nil
	}
	for _, v := range []struct {
		tag, num elf.DynTag
		typ      elf.SectionType
		what     string
		records  func(s *segments, addr, count uint64, f *File) error
	}{
		{elf.DT_VERDEF, elf.DT_VERDEFNUM, elf.SHT_GNU_VERDEF, "version definitions", (*segments).verdefs},
		{elf.DT_VERNEED, elf.DT_VERNEEDNUM, elf.SHT_GNU_VERNEED, "version needs", (*segments).verneeds},
	} {
		// The loader reads the records the dynamic table points to, as
		// many as DT_VERDEFNUM or DT_VERNEEDNUM say (useSections made sure
		// the section of each is there); records no entry points to do
		// not count.
		if len(sec.values(v.tag)) == 0 {
			continue
		}
		records := ef.SectionByType(v.typ)
		if records == nil {
			continue
		}
		s, err := sectionRecords(ef, r, records)
		if err != nil {
			return fmt.Errorf("reading %s: %w", v.what, err)
		}
		count := uint64(0)
		if vals := sec.values(v.num); len(vals) > 0 {
			count = vals[len(vals)-1]
		}
		if err := v.records(s, records.Offset, count, f); err != nil {
			return fmt.Errorf("reading %s: %w", v.what, err)
		}
	}
	return nil
}

// sectionRecords returns a reader of the version records of sec: the
// segment reader, with the section's bytes as the only "segment" (its
// addresses are file offsets) and the section it links to as the string
// table. The records are read where they lie; no section is copied whole.
func sectionRecords(ef *elf.File, r io.ReaderAt, sec *elf.Section) (*segments, error) {
	if sec.Link == 0 || int(sec.Link) >= len(ef.Sections) {
		return nil, fmt.Errorf("section %q links to no string table", sec.Name)
	}
	str := ef.Sections[sec.Link]
	size := readerSize(r)
	if str.Type == elf.SHT_NOBITS || str.Offset > uint64(size) || str.FileSize > uint64(size)-str.Offset {
		return nil, fmt.Errorf("the string table of section %q lies outside the file", sec.Name)
	}
	s := &segments{r: r, size: size, bo: ef.ByteOrder, class: ef.Class, mask: math.MaxUint64,
		strtab: int64(str.Offset), strsz: int64(str.FileSize)}
	s.loads = []*elf.Prog{{ProgHeader: elf.ProgHeader{Type: elf.PT_LOAD, Off: sec.Offset, Vaddr: sec.Offset, Filesz: sec.FileSize, Memsz: sec.FileSize}}}
	return s, nil
}
