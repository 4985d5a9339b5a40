package elfabi

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// referenceSections reads the dynamic-linking facts of a file whose
// section headers describe them with debug/elf's own readers (DynString,
// DynamicVersions, DynamicVersionNeeds), as Read did before it read the
// records itself: the reference the faster reader must agree with.
func referenceSections(data []byte) (*File, error) {
	ef, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	f := &File{Class: className(ef.Class), Machine: ef.Machine.String(), Type: ef.Type.String(), Dynamic: DynamicSections}
	if f.Interp, err = interp(ef); err != nil {
		return nil, err
	}
	if !useSections(ef, readDynamicSection(ef, bytes.NewReader(data))) {
		return nil, nil
	}
	str := func(tag elf.DynTag) []string {
		v, err2 := ef.DynString(tag)
		if err2 != nil && err == nil {
			err = err2
		}
		return v
	}
	f.Needed = str(elf.DT_NEEDED)
	if soname := str(elf.DT_SONAME); len(soname) > 0 {
		f.SOName = soname[0]
	}
	for _, v := range str(elf.DT_RPATH) {
		f.RPath = append(f.RPath, splitPath(v)...)
	}
	for _, v := range str(elf.DT_RUNPATH) {
		f.RunPath = append(f.RunPath, splitPath(v)...)
	}
	if err != nil {
		return nil, err
	}
	if ef.SectionByType(elf.SHT_DYNSYM) == nil || ef.SectionByType(elf.SHT_GNU_VERSYM) == nil {
		return f, nil
	}
	if vals, _ := ef.DynValue(elf.DT_VERDEF); len(vals) > 0 {
		defs, err := ef.DynamicVersions()
		if err != nil {
			return nil, err
		}
		for _, d := range defs {
			if d.Flags&elf.VER_FLG_BASE == 0 && !slices.Contains(f.Defines, d.Name) {
				f.Defines = append(f.Defines, d.Name)
			}
		}
		slices.SortFunc(f.Defines, Compare)
	}
	if vals, _ := ef.DynValue(elf.DT_VERNEED); len(vals) > 0 {
		needs, err := ef.DynamicVersionNeeds()
		if err != nil {
			return nil, err
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
	}
	return f, nil
}

// Read agrees with debug/elf's readers on every ELF file of this machine's
// library and program directories whose sections describe its dynamic
// linking: real files of every shape the toolchain makes.
func TestReadAgreesWithDebugELF(t *testing.T) {
	var files []string
	for _, dir := range []string{"/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/bin", "/usr/sbin", "/usr/libexec"} {
		paths, _ := filepath.Glob(filepath.Join(dir, "*"))
		files = append(files, paths...)
	}
	compared := 0
	for _, p := range files {
		if fi, err := os.Lstat(p); err != nil || !fi.Mode().IsRegular() || fi.Size() > 64<<20 {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil || !IsELF(data) {
			continue
		}
		want, werr := referenceSections(data)
		if werr != nil || want == nil {
			continue // not read through sections, or debug/elf refuses it
		}
		got, err := readMem(t, data)
		if err != nil {
			t.Errorf("Read(%s) = %v; debug/elf reads it", p, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Read(%s) differs from debug/elf:\n got %s\nwant %s", p, describe(got), describe(want))
		}
		compared++
	}
	if compared < 50 {
		t.Fatalf("compared %d ELF files of this machine, want at least 50", compared)
	}
	t.Logf("compared %d ELF files", compared)
}

func describe(f *File) string { return fmt.Sprintf("%+v", *f) }
