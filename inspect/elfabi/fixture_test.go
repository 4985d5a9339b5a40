package elfabi

import (
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fixtures holds the paths of ELF files built for a test.
type fixtures struct {
	dir    string
	stdcxx string // lib/libstdc++.so.6: GLIBCXX_3.4..3.4.24, CXXABI_1.3..1.3.11 and odd names
	libc   string // lib/libc.so.6: GLIBC_2.2.5, 2.17, 2.28, PRIVATE
	app    string // bin/app: RUNPATH, needs from both
	rpath  string // bin/app-rpath: RPATH instead of RUNPATH
	static string // bin/static: no dynamic section
}

const interpPath = "/lib64/ld-linux-x86-64.so.2"

// buildFixtures compiles stub libraries with linker version scripts and
// executables linked against them, so that every defined and needed
// version is known exactly.
func buildFixtures(t testing.TB) fixtures {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc is not installed; it builds the ELF fixtures")
	}
	dir := t.TempDir()
	fx := fixtures{
		dir:    dir,
		stdcxx: filepath.Join(dir, "lib", "libstdc++.so.6"),
		libc:   filepath.Join(dir, "lib", "libc.so.6"),
		app:    filepath.Join(dir, "bin", "app"),
		rpath:  filepath.Join(dir, "bin", "app-rpath"),
		static: filepath.Join(dir, "bin", "static"),
	}
	for _, d := range []string{"lib", "bin", "src"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}

	var cxx stub
	cxx.chain("GLIBCXX_", "gxx", append([]string{"3.4"}, series("3.4", 1, 24)...))
	cxx.chain("CXXABI_", "abi", append([]string{"1.3"}, series("1.3", 1, 11)...))
	cxx.node("CXXABI_TM_1", "tm1")
	cxx.node("CXXABI_FLOAT128", "f128")
	cxx.node("GLIBCXX_EMPTY", "") // unused empty node: ld marks its definition weak
	cxx.build(t, dir, "libstdc++.so.6", fx.stdcxx)

	var c stub
	c.chain("GLIBC_", "c", []string{"2.2.5", "2.17", "2.28"})
	c.node("GLIBC_PRIVATE", "cpriv")
	c.build(t, dir, "libc.so.6", fx.libc)

	main := `
extern int gxx_3_4_21(void), gxx_3_4_9(void), abi_1_3_9(void), tm1(void);
extern int c_2_2_5(void), c_2_17(void), cpriv(void);
void _start(void) {
	gxx_3_4_21(); gxx_3_4_9(); abi_1_3_9(); tm1();
	c_2_2_5(); c_2_17(); cpriv();
	for (;;) {}
}
`
	mainC := writeFile(t, filepath.Join(dir, "src", "main.c"), main)
	link := []string{"-nostdlib", "-fPIE", "-pie", mainC, "-L" + filepath.Join(dir, "lib"),
		"-Wl,--no-as-needed", "-l:libstdc++.so.6", "-l:libc.so.6",
		"-Wl,--dynamic-linker=" + interpPath, "-Wl,-rpath,$ORIGIN/../lib:/opt/x"}
	gcc(t, append(link, "-Wl,--enable-new-dtags", "-o", fx.app)...)
	gcc(t, append(link, "-Wl,--disable-new-dtags", "-o", fx.rpath)...)

	staticC := writeFile(t, filepath.Join(dir, "src", "static.c"), "void _start(void) { for (;;) {} }\n")
	gcc(t, "-nostdlib", "-static", "-o", fx.static, staticC)
	return fx
}

// stub accumulates the C source and version script of a stub library.
type stub struct {
	src, script strings.Builder
}

// chain adds version nodes that each inherit from the one before, with one
// function per version named base_<version with '_' for '.'>.
func (s *stub) chain(prefix, base string, versions []string) {
	prev := ""
	for _, v := range versions {
		sym := base + "_" + strings.ReplaceAll(v, ".", "_")
		fmt.Fprintf(&s.src, "int %s(void) { return 0; }\n", sym)
		fmt.Fprintf(&s.script, "%s%s { global: %s; }", prefix, v, sym)
		if prev != "" {
			fmt.Fprintf(&s.script, " %s%s", prefix, prev)
		}
		s.script.WriteString(";\n")
		prev = v
	}
}

// node adds a version node holding sym, or an empty node when sym is "".
func (s *stub) node(name, sym string) {
	if sym == "" {
		fmt.Fprintf(&s.script, "%s { };\n", name)
		return
	}
	fmt.Fprintf(&s.src, "int %s(void) { return 0; }\n", sym)
	fmt.Fprintf(&s.script, "%s { global: %s; };\n", name, sym)
}

func (s *stub) build(t testing.TB, dir, soname, out string) {
	t.Helper()
	src := writeFile(t, filepath.Join(dir, "src", soname+".c"), s.src.String())
	script := writeFile(t, filepath.Join(dir, "src", soname+".map"), s.script.String())
	gcc(t, "-shared", "-fPIC", "-nostdlib", "-Wl,-soname,"+soname,
		"-Wl,--version-script="+script, "-o", out, src)
}

func series(base string, from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("%s.%d", base, i))
	}
	return out
}

func writeFile(t testing.TB, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func gcc(t testing.TB, args ...string) {
	t.Helper()
	out, err := exec.Command("gcc", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("gcc %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// setNeedFlags sets the vna_flags of the version need called name in the
// ELF file at path, since ld marks no needs weak on its own.
func setNeedFlags(t testing.TB, path, name string, flags elf.DynamicVersionFlag) {
	t.Helper()
	ef, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ef.Close()
	vn := ef.SectionByType(elf.SHT_GNU_VERNEED)
	if vn == nil {
		t.Fatalf("%s has no version needs", path)
	}
	d, err := vn.Data()
	if err != nil {
		t.Fatal(err)
	}
	str, err := ef.Sections[vn.Link].Data()
	if err != nil {
		t.Fatal(err)
	}
	bo := ef.ByteOrder
	for i := 0; ; {
		cnt, aux, next := bo.Uint16(d[i+2:]), bo.Uint32(d[i+8:]), bo.Uint32(d[i+12:])
		for j, c := i+int(aux), 0; c < int(cnt); c++ {
			off := bo.Uint32(d[j+8:])
			if end := strings.IndexByte(string(str[off:]), 0); string(str[off:int(off)+end]) == name {
				b := make([]byte, 2)
				bo.PutUint16(b, uint16(flags))
				patch(t, path, int64(vn.Offset)+int64(j)+4, b)
				return
			}
			j += int(bo.Uint32(d[j+12:]))
		}
		if next == 0 {
			break
		}
		i += int(next)
	}
	t.Fatalf("%s needs no version %s", path, name)
}

func patch(t testing.TB, path string, off int64, b []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
