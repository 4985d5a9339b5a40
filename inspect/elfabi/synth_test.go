package elfabi

import (
	"debug/elf"
	"encoding/binary"
)

// synth describes a small dynamically linked ELF file without section
// headers, in any class and byte order, so that the segment reader can be
// tested where no compiler is at hand and fed hostile tables.
type synth struct {
	class   elf.Class
	bo      binary.ByteOrder
	interp  string
	soname  string
	needed  []string
	rpath   string
	runpath string
	defines []string // the first is the base definition, named for the file
	needs   []synthNeed
}

// synthNeed is one library of the version needs and what is needed of it.
type synthNeed struct {
	file     string
	versions []Need
}

// synthBase is the virtual address the one PT_LOAD segment maps offset 0 to.
const synthBase = 0x10000

// layout holds the file offsets of the parts of a synth file, for tests
// that break them.
type layout struct {
	w       *elfWriter
	phDyn   int // program header of PT_DYNAMIC
	dyn     int // dynamic table
	verneed int // first version need record
	verdef  int // first version definition record
}

// setDyn sets the value of the first dynamic entry with the tag.
func (l layout) setDyn(tag elf.DynTag, v uint64) {
	w := l.w
	for off := l.dyn; ; off += 2 * w.wordSize() {
		if t := w.getWord(off); t == uint64(tag) {
			w.putWord(off+w.wordSize(), v)
			return
		} else if t == 0 {
			panic("no dynamic entry " + tag.String())
		}
	}
}

// build returns the bytes of the file and where its parts are.
func (s synth) build() ([]byte, layout) {
	w := &elfWriter{class: s.class, bo: s.bo}
	var str []byte
	strings := map[string]uint64{}
	intern := func(v string) uint64 {
		if off, ok := strings[v]; ok {
			return off
		}
		if len(str) == 0 {
			str = append(str, 0)
		}
		off := uint64(len(str))
		str = append(append(str, v...), 0)
		strings[v] = off
		return off
	}
	type dyn struct {
		tag elf.DynTag
		val uint64
	}
	var table []dyn
	for _, n := range s.needed {
		table = append(table, dyn{elf.DT_NEEDED, intern(n)})
	}
	for _, v := range []struct {
		tag elf.DynTag
		s   string
	}{{elf.DT_SONAME, s.soname}, {elf.DT_RPATH, s.rpath}, {elf.DT_RUNPATH, s.runpath}} {
		if v.s != "" {
			table = append(table, dyn{v.tag, intern(v.s)})
		}
	}
	for _, d := range s.defines {
		intern(d)
	}
	for _, n := range s.needs {
		intern(n.file)
		for _, v := range n.versions {
			intern(v.Name)
		}
	}

	ehSize, phSize := 64, 56
	if s.class == elf.ELFCLASS32 {
		ehSize, phSize = 52, 32
	}
	nph := 2
	if s.interp != "" {
		nph++
	}
	align := func(n int) int { return (n + 7) &^ 7 }
	interpOff := ehSize + nph*phSize
	strOff := align(interpOff + len(s.interp) + 1)
	verdefOff := align(strOff + len(str))
	verneedOff := verdefOff + len(s.defines)*(verdefSize+verdauxSize)
	nAux := 0
	for _, n := range s.needs {
		nAux += len(n.versions)
	}
	dynOff := align(verneedOff + len(s.needs)*verneedSize + nAux*vernauxSize)
	addr := func(off int) uint64 { return synthBase + uint64(off) }
	table = append(table, dyn{elf.DT_STRTAB, addr(strOff)}, dyn{elf.DT_STRSZ, uint64(len(str))})
	if len(s.defines) > 0 {
		table = append(table, dyn{elf.DT_VERDEF, addr(verdefOff)}, dyn{elf.DT_VERDEFNUM, uint64(len(s.defines))})
	}
	if len(s.needs) > 0 {
		table = append(table, dyn{elf.DT_VERNEED, addr(verneedOff)}, dyn{elf.DT_VERNEEDNUM, uint64(len(s.needs))})
	}
	table = append(table, dyn{elf.DT_NULL, 0})
	dynSize := len(table) * 2 * w.wordSize()
	total := dynOff + dynSize
	w.b = make([]byte, total)

	// ELF header.
	machine := map[elf.Class]map[bool]elf.Machine{
		elf.ELFCLASS64: {false: elf.EM_X86_64, true: elf.EM_PPC64},
		elf.ELFCLASS32: {false: elf.EM_386, true: elf.EM_PPC},
	}[s.class][s.bo == binary.BigEndian]
	data := elf.ELFDATA2LSB
	if s.bo == binary.BigEndian {
		data = elf.ELFDATA2MSB
	}
	copy(w.b, elf.ELFMAG)
	w.b[elf.EI_CLASS], w.b[elf.EI_DATA], w.b[elf.EI_VERSION] = byte(s.class), byte(data), byte(elf.EV_CURRENT)
	typ := elf.ET_DYN
	off := 16
	off = w.put16(off, uint16(typ))
	off = w.put16(off, uint16(machine))
	off = w.put32(off, uint32(elf.EV_CURRENT))
	off = w.putWordAt(off, 0)              // e_entry
	off = w.putWordAt(off, uint64(ehSize)) // e_phoff
	off = w.putWordAt(off, 0)              // e_shoff
	off = w.put32(off, 0)                  // e_flags
	off = w.put16(off, uint16(ehSize))
	off = w.put16(off, uint16(phSize))
	w.put16(off, uint16(nph)) // e_shentsize, e_shnum and e_shstrndx stay 0

	// Program headers.
	ph := ehSize
	l := layout{w: w, dyn: dynOff, verneed: verneedOff, verdef: verdefOff}
	if s.interp != "" {
		w.phdr(ph, elf.PT_INTERP, interpOff, addr(interpOff), len(s.interp)+1)
		copy(w.b[interpOff:], s.interp)
		ph += phSize
	}
	w.phdr(ph, elf.PT_LOAD, 0, synthBase, total)
	ph += phSize
	l.phDyn = ph
	w.phdr(ph, elf.PT_DYNAMIC, dynOff, addr(dynOff), dynSize)

	copy(w.b[strOff:], str)
	off = verdefOff
	for i, d := range s.defines {
		var flags uint16
		if i == 0 {
			flags = uint16(elf.VER_FLG_BASE)
		}
		next := uint32(verdefSize + verdauxSize)
		if i == len(s.defines)-1 {
			next = 0
		}
		off = w.put16(off, 1)
		off = w.put16(off, flags)
		off = w.put16(off, uint16(i+1))
		off = w.put16(off, 1)
		off = w.put32(off, 0) // vd_hash
		off = w.put32(off, verdefSize)
		off = w.put32(off, next)
		off = w.put32(off, uint32(intern(d)))
		off = w.put32(off, 0)
	}
	index := uint16(len(s.defines) + 2)
	for i, n := range s.needs {
		next := uint32(verneedSize + len(n.versions)*vernauxSize)
		if i == len(s.needs)-1 {
			next = 0
		}
		off = w.put16(off, 1)
		off = w.put16(off, uint16(len(n.versions)))
		off = w.put32(off, uint32(intern(n.file)))
		off = w.put32(off, verneedSize)
		off = w.put32(off, next)
		for j, v := range n.versions {
			var flags uint16
			if v.Weak {
				flags = uint16(elf.VER_FLG_WEAK)
			}
			next := uint32(vernauxSize)
			if j == len(n.versions)-1 {
				next = 0
			}
			off = w.put32(off, 0) // vna_hash
			off = w.put16(off, flags)
			off = w.put16(off, index)
			off = w.put32(off, uint32(intern(v.Name)))
			off = w.put32(off, next)
			index++
		}
	}
	off = dynOff
	for _, d := range table {
		off = w.putWordAt(off, uint64(d.tag))
		off = w.putWordAt(off, d.val)
	}
	return w.b, l
}

// elfWriter writes the fields of an ELF file of one class and byte order.
type elfWriter struct {
	class elf.Class
	bo    binary.ByteOrder
	b     []byte
}

func (w *elfWriter) wordSize() int {
	if w.class == elf.ELFCLASS32 {
		return 4
	}
	return 8
}

func (w *elfWriter) put16(off int, v uint16) int { w.bo.PutUint16(w.b[off:], v); return off + 2 }
func (w *elfWriter) put32(off int, v uint32) int { w.bo.PutUint32(w.b[off:], v); return off + 4 }

// putWord writes an address-sized value; putWordAt also returns the offset
// after it.
func (w *elfWriter) putWord(off int, v uint64) { w.putWordAt(off, v) }

func (w *elfWriter) putWordAt(off int, v uint64) int {
	if w.class == elf.ELFCLASS32 {
		return w.put32(off, uint32(v))
	}
	w.bo.PutUint64(w.b[off:], v)
	return off + 8
}

func (w *elfWriter) getWord(off int) uint64 {
	if w.class == elf.ELFCLASS32 {
		return uint64(w.bo.Uint32(w.b[off:]))
	}
	return w.bo.Uint64(w.b[off:])
}

// phdr writes a program header at off.
func (w *elfWriter) phdr(off int, typ elf.ProgType, fileOff int, vaddr uint64, size int) {
	if w.class == elf.ELFCLASS32 {
		for _, v := range []uint32{uint32(typ), uint32(fileOff), uint32(vaddr), uint32(vaddr), uint32(size), uint32(size), uint32(elf.PF_R), 8} {
			off = w.put32(off, v)
		}
		return
	}
	off = w.put32(off, uint32(typ))
	off = w.put32(off, uint32(elf.PF_R))
	for _, v := range []uint64{uint64(fileOff), vaddr, vaddr, uint64(size), uint64(size), 8} {
		off = w.putWordAt(off, v)
	}
}

// setPhdr sets the file offset and file size of the program header at off.
func (w *elfWriter) setPhdr(off int, fileOff, size uint64) {
	if w.class == elf.ELFCLASS32 {
		w.put32(off+4, uint32(fileOff))
		w.put32(off+16, uint32(size))
		return
	}
	w.bo.PutUint64(w.b[off+8:], fileOff)
	w.bo.PutUint64(w.b[off+32:], size)
}
