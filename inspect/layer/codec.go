package layer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/sammatrix/sammatrix/inspect/elfabi"
	"github.com/sammatrix/sammatrix/inspect/rpm"
)

// codecMagic starts an encoded Index; the digit is the encoding's version.
const codecMagic = "sammatrix-layer-index-1\n"

// MarshalBinary encodes idx for the caches: every field, with nil told
// from empty (an empty os-release from one not kept, an rpm epoch of 0
// from none), in a fixed order, so that equal indexes encode to equal
// bytes. Entries are varint-prefixed; see UnmarshalBinary.
func (idx *Index) MarshalBinary() ([]byte, error) {
	e := encoder{b: make([]byte, 0, 64+64*len(idx.Entries))}
	e.b = append(e.b, codecMagic...)
	e.int(idx.Files)
	e.int(idx.Size)
	e.strings(idx.Warnings)
	e.len(len(idx.Entries), idx.Entries == nil)
	for i := range idx.Entries {
		e.entry(&idx.Entries[i])
	}
	return e.b, nil
}

// UnmarshalBinary decodes what MarshalBinary encoded. Any input is safe:
// a length or count larger than what is left, a truncated or overlong
// input, or an unknown kind is an error, and nothing it allocates is
// larger than the input.
func (idx *Index) UnmarshalBinary(data []byte) error {
	if len(data) < len(codecMagic) || string(data[:len(codecMagic)]) != codecMagic {
		return errors.New("decoding layer index: not an encoded layer index")
	}
	// One string of the whole input: every string decoded is a part of it.
	d := decoder{s: string(data[len(codecMagic):])}
	var out Index
	out.Files = d.int()
	out.Size = d.int()
	out.Warnings = d.strings()
	if n, ok := d.len(); ok {
		out.Entries = make([]Entry, n)
		for i := range out.Entries {
			d.entry(&out.Entries[i])
		}
	}
	if d.err == nil && d.i != len(d.s) {
		d.fail("%d bytes after the index", len(d.s)-d.i)
	}
	if d.err != nil {
		return fmt.Errorf("decoding layer index: %w", d.err)
	}
	*idx = out
	return nil
}

type encoder struct{ b []byte }

func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }

func (e *encoder) str(s string) {
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

// len writes a length, 0 for nil and n+1 otherwise.
func (e *encoder) len(n int, isNil bool) {
	if isNil {
		e.uint(0)
		return
	}
	e.uint(uint64(n) + 1)
}

func (e *encoder) strings(ss []string) {
	e.len(len(ss), ss == nil)
	for _, s := range ss {
		e.str(s)
	}
}

func (e *encoder) entry(en *Entry) {
	e.str(en.Path)
	e.str(string(en.Kind))
	e.uint(uint64(en.Mode))
	e.int(en.Size)
	e.str(en.Link)
	e.str(en.Fingerprint)
	e.len(len(en.Data), en.Data == nil)
	e.b = append(e.b, en.Data...)
	e.str(en.ELFError)
	e.str(en.Version)
	if f := en.ELF; f == nil {
		e.uint(0)
	} else {
		e.uint(1)
		for _, s := range []string{f.Class, f.Machine, f.Type, f.Interp, f.SOName, f.Dynamic} {
			e.str(s)
		}
		for _, ss := range [][]string{f.Needed, f.RPath, f.RunPath, f.Defines} {
			e.strings(ss)
		}
		e.len(len(f.Needs), f.Needs == nil)
		libs := make([]string, 0, len(f.Needs))
		for lib := range f.Needs {
			libs = append(libs, lib)
		}
		slices.Sort(libs)
		for _, lib := range libs {
			e.str(lib)
			needs := f.Needs[lib]
			e.len(len(needs), needs == nil)
			for _, n := range needs {
				e.str(n.Name)
				if n.Weak {
					e.uint(1)
				} else {
					e.uint(0)
				}
			}
		}
	}
	if r := en.RPM; r == nil {
		e.uint(0)
	} else {
		e.uint(1)
		e.str(string(r.Format))
		e.len(len(r.Packages), r.Packages == nil)
		for _, p := range r.Packages {
			e.str(p.Name)
			if p.Epoch == nil {
				e.uint(0)
			} else {
				e.uint(1)
				e.int(int64(*p.Epoch))
			}
			e.str(p.Version)
			e.str(p.Release)
			e.str(p.Arch)
			e.strings(p.Provides)
		}
	}
}

// decoder reads s from i; after the first error every read returns zero
// values and the error stays.
type decoder struct {
	s   string
	i   int
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("at byte %d: %s", d.i, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	var v uint64
	for shift := 0; ; shift += 7 {
		if d.i >= len(d.s) {
			d.fail("truncated")
			return 0
		}
		c := d.s[d.i]
		d.i++
		if shift == 63 && c > 1 {
			d.fail("varint overflows 64 bits")
			return 0
		}
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			if c == 0 && shift > 0 {
				// One encoding per value keeps equal indexes equal bytes.
				d.fail("varint of more bytes than its value needs")
				return 0
			}
			return v
		}
	}
}

func (d *decoder) int() int64 {
	u := d.uint()
	return int64(u>>1) ^ -int64(u&1)
}

// size reads a length and checks that at least per×length bytes are left.
func (d *decoder) size(v uint64, per int) int {
	if d.err == nil && v > uint64(len(d.s)-d.i)/uint64(per) {
		d.fail("length %d, but %d bytes are left", v, len(d.s)-d.i)
	}
	if d.err != nil {
		return 0
	}
	return int(v)
}

func (d *decoder) str() string {
	n := d.size(d.uint(), 1)
	s := d.s[d.i : d.i+n]
	d.i += n
	return s
}

// len reads a length written by encoder.len: ok is false for nil. Every
// element takes at least one byte, so a count larger than what is left
// is an error.
func (d *decoder) len() (n int, ok bool) {
	v := d.uint()
	if v == 0 || d.err != nil {
		return 0, false
	}
	return d.size(v-1, 1), d.err == nil
}

func (d *decoder) strings() []string {
	n, ok := d.len()
	if !ok {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

func (d *decoder) flag() bool {
	switch d.uint() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail("a flag that is neither 0 nor 1")
	return false
}

func (d *decoder) entry(en *Entry) {
	en.Path = d.str()
	switch k := Kind(d.str()); k {
	case File, Dir, Symlink, Hardlink, Whiteout, Opaque:
		en.Kind = k
	default:
		d.fail("unknown entry kind %q", k)
	}
	mode := d.uint()
	if mode > 0o7777 {
		d.fail("mode %o", mode)
	}
	en.Mode = uint32(mode)
	en.Size = d.int()
	en.Link = d.str()
	en.Fingerprint = d.str()
	if n, ok := d.len(); ok {
		en.Data = []byte(d.s[d.i : d.i+n])
		d.i += n
	}
	en.ELFError = d.str()
	en.Version = d.str()
	if d.flag() {
		f := &elfabi.File{}
		for _, s := range []*string{&f.Class, &f.Machine, &f.Type, &f.Interp, &f.SOName, &f.Dynamic} {
			*s = d.str()
		}
		for _, ss := range []*[]string{&f.Needed, &f.RPath, &f.RunPath, &f.Defines} {
			*ss = d.strings()
		}
		if n, ok := d.len(); ok {
			f.Needs = make(map[string][]elfabi.Need, n)
			for range n {
				lib := d.str()
				var needs []elfabi.Need
				if m, ok := d.len(); ok {
					needs = make([]elfabi.Need, m)
					for j := range needs {
						needs[j] = elfabi.Need{Name: d.str(), Weak: d.flag()}
					}
				}
				f.Needs[lib] = needs
			}
		}
		en.ELF = f
	}
	if d.flag() {
		r := &RPM{Format: rpm.Format(d.str())}
		if n, ok := d.len(); ok {
			r.Packages = make([]rpm.Package, n)
			for j := range r.Packages {
				p := &r.Packages[j]
				p.Name = d.str()
				if d.flag() {
					epoch := int(d.int())
					p.Epoch = &epoch
				}
				p.Version = d.str()
				p.Release = d.str()
				p.Arch = d.str()
				p.Provides = d.strings()
			}
		}
		en.RPM = r
	}
}
