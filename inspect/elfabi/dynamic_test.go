package elfabi

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/fixture"
)

// fixturesDir holds the committed gcc-built ELF files, seen from this package.
const fixturesDir = "../../testdata/fixtures/elf"

// stripSections returns a copy of the ELF file data without section
// headers, as sstrip leaves it (fixture.Sstrip).
func stripSections(t testing.TB, data []byte) []byte {
	t.Helper()
	out, err := fixture.Sstrip(data, false)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// elfFile is one ELF file to read whole and without sections.
type elfFile struct {
	name string
	data []byte
}

// testELFFiles returns the committed fixtures and, when gcc is installed,
// the files built by buildFixtures (with a weak need) and an ELF32 library.
func testELFFiles(t *testing.T) []elfFile {
	t.Helper()
	var files []elfFile
	err := filepath.WalkDir(fixturesDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		files = append(files, elfFile{strings.TrimPrefix(p, fixturesDir+"/"), data})
		return err
	})
	if err != nil {
		t.Fatalf("reading the committed ELF fixtures: %v", err)
	}
	if len(files) == 0 {
		t.Fatalf("no files under %s", fixturesDir)
	}
	if _, err := exec.LookPath("gcc"); err != nil {
		return files
	}
	fx := buildFixtures(t)
	setNeedFlags(t, fx.app, "GLIBC_PRIVATE", elf.VER_FLG_WEAK)
	built := []string{fx.stdcxx, fx.libc, fx.app, fx.rpath, fx.static}
	if lib32, ok := buildELF32(t, fx.dir); ok {
		built = append(built, lib32)
	}
	for _, p := range built {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, elfFile{"built/" + filepath.Base(p), data})
	}
	return files
}

// buildELF32 builds an ELF32 library with version definitions and needs, if
// gcc can target i386 here.
func buildELF32(t *testing.T, dir string) (string, bool) {
	t.Helper()
	src := writeFile(t, filepath.Join(dir, "src", "lib32.c"), "extern int c_2_17(void);\nint v1(void) { return c_2_17(); }\nint v2(void) { return 0; }\n")
	script := writeFile(t, filepath.Join(dir, "src", "lib32.map"), "V_1 { global: v1; local: *; };\nV_2 { global: v2; } V_1;\n")
	libc := writeFile(t, filepath.Join(dir, "src", "libc32.c"), "int c_2_17(void) { return 0; }\n")
	libcMap := writeFile(t, filepath.Join(dir, "src", "libc32.map"), "GLIBC_2.17 { global: c_2_17; local: *; };\n")
	libc32 := filepath.Join(dir, "lib", "libc32.so.6")
	out := filepath.Join(dir, "lib", "lib32.so.1")
	for _, args := range [][]string{
		{"-m32", "-shared", "-fPIC", "-nostdlib", "-Wl,-soname,libc.so.6", "-Wl,--version-script=" + libcMap, "-o", libc32, libc},
		{"-m32", "-shared", "-fPIC", "-nostdlib", "-Wl,-soname,lib32.so.1", "-Wl,--version-script=" + script,
			"-Wl,-rpath,/opt/lib32", "-o", out, src, libc32},
	} {
		if msg, err := exec.Command("gcc", args...).CombinedOutput(); err != nil {
			t.Logf("no ELF32 fixture: gcc -m32: %v\n%s", err, msg)
			return "", false
		}
	}
	return out, true
}

// hasDynamic reports whether the ELF file data has a PT_DYNAMIC segment.
func hasDynamic(t *testing.T, data []byte) bool {
	t.Helper()
	ef, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return slices.ContainsFunc(ef.Progs, func(p *elf.Prog) bool { return p.Type == elf.PT_DYNAMIC })
}

func readBytes(t *testing.T, name string, data []byte) *File {
	t.Helper()
	f, err := readMem(t, data)
	if err != nil {
		t.Fatalf("Read(%s) error: %v", name, err)
	}
	return f
}

// TestReadWithoutSections checks that a file without section headers gives
// the same facts as the intact file, read through its program headers.
func TestReadWithoutSections(t *testing.T) {
	for _, ef := range testELFFiles(t) {
		t.Run(ef.name, func(t *testing.T) {
			whole := readBytes(t, ef.name, ef.data)
			stripped := readBytes(t, ef.name+" without sections", stripSections(t, ef.data))
			wantWhole, wantStripped := DynamicSections, DynamicSegments
			if !hasDynamic(t, ef.data) {
				wantWhole, wantStripped = "", "" // a static binary
			}
			if whole.Dynamic != wantWhole {
				t.Errorf("Read(%s).Dynamic = %q, want %q", ef.name, whole.Dynamic, wantWhole)
			}
			if stripped.Dynamic != wantStripped {
				t.Errorf("Read(%s without sections).Dynamic = %q, want %q", ef.name, stripped.Dynamic, wantStripped)
			}
			whole.Dynamic, stripped.Dynamic = "", ""
			if !reflect.DeepEqual(stripped, whole) {
				t.Errorf("Read(%s without sections) =\n%+v\nwant what the sections give\n%+v", ef.name, *stripped, *whole)
			}
		})
	}
}

// TestReadWithoutSectionsNode checks the case that matters: a node binary
// stripped of its section headers still tells what it needs.
func TestReadWithoutSectionsNode(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(fixturesDir, "node22", "node"))
	if err != nil {
		t.Fatal(err)
	}
	f := readBytes(t, "node22/node without sections", stripSections(t, data))
	for _, c := range []struct{ prefix, want string }{
		{"GLIBC_", "GLIBC_2.28"},
		{"GLIBCXX_", "GLIBCXX_3.4.28"},
		{"CXXABI_", "CXXABI_1.3.9"},
	} {
		if got := f.MaxNeed(c.prefix); got != c.want {
			t.Errorf("Read(node22/node without sections).MaxNeed(%q) = %q, want %q", c.prefix, got, c.want)
		}
	}
	if !slices.ContainsFunc(f.Needs["libstdc++.so.6"], func(n Need) bool { return n.Name == "GLIBCXX_3.4.26" }) {
		t.Errorf("Read(node22/node without sections).Needs[libstdc++.so.6] = %v, want GLIBCXX_3.4.26 in it", f.Needs["libstdc++.so.6"])
	}
}

// TestReadWithoutSectionsMatchesReadelf compares the dynamic strings Read
// finds in files without section headers with what readelf -d prints,
// which also reads them through PT_DYNAMIC.
func TestReadWithoutSectionsMatchesReadelf(t *testing.T) {
	if _, err := exec.LookPath("readelf"); err != nil {
		t.Skip("readelf is not installed")
	}
	files := testELFFiles(t)
	for _, s := range synthFiles() {
		data, _ := s.build()
		files = append(files, elfFile{"synth/" + s.soname, data})
	}
	dir := t.TempDir()
	for i, ef := range files {
		t.Run(ef.name, func(t *testing.T) {
			data := stripSections(t, ef.data)
			path := filepath.Join(dir, fmt.Sprintf("%02d-%s", i, filepath.Base(ef.name)))
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			want := readelf(t, path)
			got := readBytes(t, ef.name+" without sections", data)
			got = &File{Interp: got.Interp, SOName: got.SOName, Needed: got.Needed, RPath: got.RPath, RunPath: got.RunPath}
			want = File{Interp: want.Interp, SOName: want.SOName, Needed: want.Needed, RPath: want.RPath, RunPath: want.RunPath}
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("Read(%s without sections) =\n%+v\nreadelf -l -d shows\n%+v", ef.name, *got, want)
			}
		})
	}
}

// synthFiles are files in each class and byte order debug/elf reads.
func synthFiles() []synth {
	var out []synth
	for _, c := range []struct {
		class elf.Class
		bo    binary.ByteOrder
		name  string
	}{
		{elf.ELFCLASS64, binary.LittleEndian, "64le"},
		{elf.ELFCLASS64, binary.BigEndian, "64be"},
		{elf.ELFCLASS32, binary.LittleEndian, "32le"},
		{elf.ELFCLASS32, binary.BigEndian, "32be"},
	} {
		out = append(out, synth{
			class: c.class, bo: c.bo,
			interp:  "/lib/ld-" + c.name + ".so.1",
			soname:  "libsynth-" + c.name + ".so.1",
			needed:  []string{"libstdc++.so.6", "libc.so.6"},
			rpath:   "/opt/r1:/opt/r2",
			runpath: "$ORIGIN/../lib",
			defines: []string{"libsynth-" + c.name + ".so.1", "SYNTH_1.0", "SYNTH_1.10", "SYNTH_1.2"},
			needs: []synthNeed{
				{"libstdc++.so.6", []Need{{Name: "GLIBCXX_3.4.26"}, {Name: "CXXABI_1.3.9"}}},
				{"libc.so.6", []Need{{Name: "GLIBC_PRIVATE", Weak: true}, {Name: "GLIBC_2.28"}, {Name: "GLIBC_2.2.5"}}},
			},
		})
	}
	return out
}

// TestReadSegmentsEveryClass checks the segment reader on ELF32 and ELF64
// files of both byte orders.
func TestReadSegmentsEveryClass(t *testing.T) {
	for _, s := range synthFiles() {
		t.Run(s.soname, func(t *testing.T) {
			data, _ := s.build()
			got := readBytes(t, s.soname, data)
			class := "ELF64"
			if s.class == elf.ELFCLASS32 {
				class = "ELF32"
			}
			machine := elf.EM_X86_64
			switch {
			case s.class == elf.ELFCLASS64 && s.bo == binary.BigEndian:
				machine = elf.EM_PPC64
			case s.class == elf.ELFCLASS32 && s.bo == binary.BigEndian:
				machine = elf.EM_PPC
			case s.class == elf.ELFCLASS32:
				machine = elf.EM_386
			}
			want := File{
				Class: class, Machine: machine.String(), Type: "ET_DYN", Interp: s.interp, SOName: s.soname,
				Needed: s.needed, RPath: []string{"/opt/r1", "/opt/r2"}, RunPath: []string{"$ORIGIN/../lib"},
				Defines: []string{"SYNTH_1.0", "SYNTH_1.2", "SYNTH_1.10"},
				Needs: map[string][]Need{
					"libstdc++.so.6": {{Name: "CXXABI_1.3.9"}, {Name: "GLIBCXX_3.4.26"}},
					"libc.so.6":      {{Name: "GLIBC_2.2.5"}, {Name: "GLIBC_2.28"}, {Name: "GLIBC_PRIVATE", Weak: true}},
				},
				Dynamic: DynamicSegments,
			}
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("Read(%s) =\n%+v\nwant\n%+v", s.soname, *got, want)
			}
		})
	}
}

// TestReadNoDynamic checks that a program with an interpreter but no
// dynamic table is an error, and a static binary is not.
func TestReadNoDynamic(t *testing.T) {
	prog := synthFiles()[0]
	data, l := prog.build()
	l.w.put32(l.phDyn, uint32(elf.PT_NULL))
	if _, err := readMem(t, data); !errors.Is(err, ErrNoDynamic) {
		t.Errorf("Read(program with PT_INTERP, no PT_DYNAMIC, no sections) error = %v, want ErrNoDynamic", err)
	}

	static := prog
	static.interp = ""
	data, l = static.build()
	l.w.put32(l.phDyn, uint32(elf.PT_NULL))
	f, err := readMem(t, data)
	if err != nil {
		t.Fatalf("Read(static binary) error: %v", err)
	}
	if f.Dynamic != "" || f.Needed != nil || f.Needs != nil {
		t.Errorf("Read(static binary) = %+v, want no dynamic facts", *f)
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r *bytes.Reader
	n int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	c.n += int64(len(p))
	return c.r.ReadAt(p, off)
}

func (c *countingReader) Size() int64 { return c.r.Size() }

// TestReadSegmentsHostile checks that a broken dynamic segment is an error,
// found without reading much.
func TestReadSegmentsHostile(t *testing.T) {
	s64, s32 := synthFiles()[0], synthFiles()[2]
	tests := []struct {
		name    string
		file    synth
		corrupt func(l layout, size int)
	}{
		{"PT_DYNAMIC past the end", s64, func(l layout, size int) { l.w.setPhdr(l.phDyn, uint64(size)+16, 64) }},
		{"PT_DYNAMIC at a huge offset", s64, func(l layout, size int) { l.w.setPhdr(l.phDyn, 1<<62, 64) }},
		{"PT_DYNAMIC of a huge size", s64, func(l layout, size int) { l.w.setPhdr(l.phDyn, uint64(l.dyn), 1<<40) }},
		{"PT_DYNAMIC without DT_NULL", s64, func(l layout, size int) { l.w.setPhdr(l.phDyn, uint64(l.dyn), 32) }},
		{"DT_STRTAB outside PT_LOAD", s64, func(l layout, size int) { l.setDyn(elf.DT_STRTAB, 1<<40) }},
		{"DT_STRSZ huge", s64, func(l layout, size int) { l.setDyn(elf.DT_STRSZ, 1<<40) }},
		{"DT_NEEDED past DT_STRSZ", s64, func(l layout, size int) { l.setDyn(elf.DT_NEEDED, 1<<20) }},
		{"DT_VERNEEDNUM huge", s64, func(l layout, size int) { l.setDyn(elf.DT_VERNEEDNUM, 1<<32-1) }},
		{"DT_VERNEEDNUM beyond the chain", s64, func(l layout, size int) { l.setDyn(elf.DT_VERNEEDNUM, 3) }},
		{"DT_VERDEFNUM huge", s64, func(l layout, size int) { l.setDyn(elf.DT_VERDEFNUM, 1<<16) }},
		{"DT_VERNEED outside PT_LOAD", s64, func(l layout, size int) { l.setDyn(elf.DT_VERNEED, 8) }},
		{"vn_cnt huge", s64, func(l layout, size int) { l.w.put16(l.verneed+2, 0xffff) }},
		{"vn_version 2", s64, func(l layout, size int) { l.w.put16(l.verneed, 2) }},
		{"vn_next past the end", s64, func(l layout, size int) { l.w.put32(l.verneed+12, 1<<31) }},
		{"verneed chain loops", s32, func(l layout, size int) {
			// The second record points back at the first: 32-bit
			// address arithmetic wraps, as in the loader.
			second := l.verneed + verneedSize + 2*vernauxSize
			l.w.put32(second+12, back(verneedSize+2*vernauxSize))
			l.setDyn(elf.DT_VERNEEDNUM, 1000)
		}},
		{"vernaux chain loops", s32, func(l layout, size int) {
			second := l.verneed + verneedSize + vernauxSize
			l.w.put32(second+12, back(vernauxSize))
			l.w.put16(l.verneed+2, 0xffff)
		}},
		{"verdef chain loops", s32, func(l layout, size int) {
			l.w.put32(l.verdef+verdefSize+verdauxSize+16, back(verdefSize+verdauxSize))
			l.setDyn(elf.DT_VERDEFNUM, 1000)
		}},
		{"vd_cnt zero", s64, func(l layout, size int) { l.w.put16(l.verdef+6, 0) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, l := tt.file.build()
			tt.corrupt(l, len(data))
			r := &countingReader{r: bytes.NewReader(data)}
			f, err := Read(r)
			if err == nil {
				t.Fatalf("Read(%s) = %+v, want an error", tt.name, *f)
			}
			if errors.Is(err, ErrNotELF) || errors.Is(err, ErrNoDynamic) {
				t.Errorf("Read(%s) error = %v, want one about the malformed table", tt.name, err)
			}
			if r.n > 64<<10 {
				t.Errorf("Read(%s) read %d bytes of a %d-byte file before failing, want at most 64 KiB", tt.name, r.n, len(data))
			}
		})
	}
}

// back returns the 32-bit relative offset that moves n bytes back.
func back(n int) uint32 { return uint32(-int32(n)) }

// TestReadSegmentsStringBudget checks that many entries naming one long
// string do not make Read hold gigabytes.
func TestReadSegmentsStringBudget(t *testing.T) {
	s := synthFiles()[0]
	long := strings.Repeat("x", maxStringLen-1)
	s.needed = slices.Repeat([]string{long}, 2*maxStringBytes/maxStringLen)
	data, _ := s.build()
	if _, err := readMem(t, data); err == nil {
		t.Errorf("Read(%d DT_NEEDED of %d bytes) = nil error, want one", len(s.needed), len(long))
	}
}
