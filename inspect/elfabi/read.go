package elfabi

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"io"
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
	switch dyn := dynamicProg(ef); {
	case useSections(ef):
		f.Dynamic = DynamicSections
		if err := readDynamic(ef, f); err != nil {
			return nil, err
		}
		if err := readVersions(ef, f); err != nil {
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

func readDynamic(ef *elf.File, f *File) error {
	var err error
	if f.Needed, err = ef.DynString(elf.DT_NEEDED); err != nil {
		return fmt.Errorf("reading DT_NEEDED: %w", err)
	}
	soname, err := ef.DynString(elf.DT_SONAME)
	if err != nil {
		return fmt.Errorf("reading DT_SONAME: %w", err)
	}
	if len(soname) > 0 {
		f.SOName = soname[0]
	}
	if f.RPath, err = dynPath(ef, elf.DT_RPATH); err != nil {
		return err
	}
	if f.RunPath, err = dynPath(ef, elf.DT_RUNPATH); err != nil {
		return err
	}
	return nil
}

// dynPath returns the entries of a DT_RPATH or DT_RUNPATH, each split on ':'.
func dynPath(ef *elf.File, tag elf.DynTag) ([]string, error) {
	vals, err := ef.DynString(tag)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", tag, err)
	}
	var out []string
	for _, v := range vals {
		out = append(out, splitPath(v)...)
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

func readVersions(ef *elf.File, f *File) error {
	// Without a dynamic symbol table or a version symbol table there is
	// no version information; debug/elf reports those cases as errors.
	if ef.SectionByType(elf.SHT_DYNSYM) == nil || ef.SectionByType(elf.SHT_GNU_VERSYM) == nil {
		return nil
	}
	defs, err := ef.DynamicVersions()
	if err != nil {
		return fmt.Errorf("reading version definitions: %w", err)
	}
	for _, d := range defs {
		if d.Flags&elf.VER_FLG_BASE == 0 && !slices.Contains(f.Defines, d.Name) {
			f.Defines = append(f.Defines, d.Name)
		}
	}
	slices.SortFunc(f.Defines, Compare)
	needs, err := ef.DynamicVersionNeeds()
	if err != nil {
		return fmt.Errorf("reading version needs: %w", err)
	}
	for _, n := range needs {
		if f.Needs == nil {
			f.Needs = make(map[string][]Need)
		}
		list := f.Needs[n.Name]
		for _, d := range n.Needs {
			list = append(list, Need{Name: d.Dep, Weak: d.Flags&elf.VER_FLG_WEAK != 0})
		}
		sortNeeds(list)
		f.Needs[n.Name] = list
	}
	return nil
}
