package scan

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sync/semaphore"

	"github.com/sammatrix/sammatrix/inspect/elfabi"
	"github.com/sammatrix/sammatrix/inspect/fixture"
)

// elfFixtures holds ELF files built by gcc for the tests.
type elfFixtures struct {
	lib  []byte // libstdc++.so.6.0.29: soname libstdc++.so.6, defines GLIBCXX_3.4 … GLIBCXX_3.4.29
	node []byte // an executable needing the library, holding "node/v20.18.1"
}

// buildELF compiles a stub shared library with a linker version script and an
// executable linked against it.
func buildELF(t testing.TB) elfFixtures {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc is not installed; it builds the ELF fixtures")
	}
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	gcc := func(args ...string) {
		out, err := exec.Command("gcc", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("gcc %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	lib := filepath.Join(dir, "libstdc++.so.6.0.29")
	gcc("-shared", "-nostdlib", "-fPIC", "-Wl,-soname,libstdc++.so.6",
		"-Wl,--version-script="+write("lib.map", "GLIBCXX_3.4 { global: f34; local: *; };\nGLIBCXX_3.4.29 { global: f3429; } GLIBCXX_3.4;\n"),
		"-o", lib, write("lib.c", "int f34(void) { return 1; }\nint f3429(void) { return 2; }\n"))
	if err := os.Symlink(lib, filepath.Join(dir, "libstdc++.so.6")); err != nil {
		t.Fatal(err)
	}
	node := filepath.Join(dir, "node")
	gcc("-nostdlib", "-fPIE", "-pie", "-o", node, "-L"+dir, "-Wl,--no-as-needed", "-l:libstdc++.so.6",
		write("node.c", `extern int f3429(void);
const char release[] = "https://nodejs.org node/v20.18.1 (x64)";
void _start(void) { f3429(); for (;;) {} }
`))
	var fx elfFixtures
	var err error
	if fx.lib, err = os.ReadFile(lib); err != nil {
		t.Fatal(err)
	}
	if fx.node, err = os.ReadFile(node); err != nil {
		t.Fatal(err)
	}
	return fx
}

func TestSharedLibraryFacts(t *testing.T) {
	fx := buildELF(t)
	idx := scanTar(t, makeTar(t,
		file("usr/lib64/libstdc++.so.6.0.29", string(fx.lib)),
		symlink("usr/lib64/libstdc++.so.6", "libstdc++.so.6.0.29"),
		file("var/lang/bin/node", string(fx.node)),
		file("var/lang/lib/libnode.so", string(fx.lib)),
		file("usr/bin/node", string(fx.node)), // not of interest there
	))
	for _, p := range []string{"/usr/lib64/libstdc++.so.6.0.29", "/var/lang/lib/libnode.so"} {
		es := find(idx, p)
		if len(es) != 1 || es[0].ELF == nil {
			t.Fatalf("entries at %q = %+v, want one with ELF facts (warnings %q)", p, es, idx.Warnings)
		}
		e := es[0]
		if e.ELF.SOName != "libstdc++.so.6" {
			t.Errorf("SOName of %q = %q, want libstdc++.so.6", p, e.ELF.SOName)
		}
		if !slices.Contains(e.ELF.Defines, "GLIBCXX_3.4.29") {
			t.Errorf("Defines of %q = %q, want GLIBCXX_3.4.29 in it", p, e.ELF.Defines)
		}
		if e.Fingerprint != fp(string(fx.lib)) {
			t.Errorf("Fingerprint of %q = %q, want %q", p, e.Fingerprint, fp(string(fx.lib)))
		}
	}
	node := find(idx, "/var/lang/bin/node")
	if len(node) != 1 || node[0].ELF == nil {
		t.Fatalf("entries at /var/lang/bin/node = %+v, want one with ELF facts", node)
	}
	if got := node[0].Version; got != "v20.18.1" {
		t.Errorf("Version of node = %q, want v20.18.1", got)
	}
	if !slices.Contains(node[0].ELF.Needed, "libstdc++.so.6") {
		t.Errorf("Needed of node = %q, want libstdc++.so.6 in it", node[0].ELF.Needed)
	}
	needs := node[0].ELF.Needs["libstdc++.so.6"]
	if !slices.ContainsFunc(needs, func(n elfabi.Need) bool { return n.Name == "GLIBCXX_3.4.29" }) {
		t.Errorf("Needs of node from libstdc++.so.6 = %+v, want GLIBCXX_3.4.29", needs)
	}
	if got := find(idx, "/usr/bin/node"); len(got) != 0 {
		t.Errorf("entries at /usr/bin/node = %+v, want none", got)
	}
}

// TestLargeELFSpilled checks that an ELF file larger than MaxELFMemory is
// read through a temporary file that is removed afterwards.
func TestLargeELFSpilled(t *testing.T) {
	fx := buildELF(t)
	big := append(slices.Clip(fx.lib), make([]byte, MaxELFMemory+1-len(fx.lib))...)
	idx := scanTar(t, makeTar(t, file("usr/lib64/libbig.so.1", string(big))))
	es := find(idx, "/usr/lib64/libbig.so.1")
	if len(es) != 1 || es[0].ELF == nil || es[0].ELF.SOName != "libstdc++.so.6" {
		t.Fatalf("entries at /usr/lib64/libbig.so.1 = %+v, want one with ELF facts (warnings %q)", es, idx.Warnings)
	}
}

// TestHugeELFWarns checks that an ELF file larger than MaxELFSize gets no ELF
// facts but a digest and a warning, without holding it.
func TestHugeELFWarns(t *testing.T) {
	if testing.Short() {
		t.Skip("streams more than 1 GiB")
	}
	size := int64(MaxELFSize + 1)
	r := stream(t, "opt/huge/libhuge.so", size, []byte("\x7fELF\x02\x01\x01"))
	tmp := t.TempDir()
	idx, err := Tar(r, Options{TempDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	assertEmpty(t, tmp)
	es := find(idx, "/opt/huge/libhuge.so")
	if len(es) != 1 || es[0].ELF != nil || es[0].Fingerprint == "" || es[0].Size != size {
		t.Fatalf("entries at /opt/huge/libhuge.so = %+v, want one with digest and size %d, no ELF facts", es, size)
	}
	if want := "is more than"; !strings.Contains(es[0].ELFError, want) {
		t.Errorf("ELFError of /opt/huge/libhuge.so = %q, want one containing %q", es[0].ELFError, want)
	}
	if !slices.ContainsFunc(idx.Warnings, func(w string) bool { return strings.Contains(w, "no ELF facts") }) {
		t.Errorf("Warnings = %q, want one about no ELF facts", idx.Warnings)
	}
}

// stream returns a tar stream of one file of size bytes, starting with head
// and then zeros, produced as it is read so that nothing big is held.
func stream(t testing.TB, name string, size int64, head []byte) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		tw := tar.NewWriter(pw)
		err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Size: size, Mode: 0o755})
		if err == nil {
			_, err = tw.Write(head)
		}
		zeros := make([]byte, 1<<20)
		for left := size - int64(len(head)); err == nil && left > 0; {
			n := min(left, int64(len(zeros)))
			_, err = tw.Write(zeros[:n])
			left -= n
		}
		if err == nil {
			err = tw.Close()
		}
		pw.CloseWithError(err)
	}()
	t.Cleanup(func() { pr.Close() })
	return pr
}

// TestELFMemoryBudget checks that an ELF file is spilled to disk, not held
// in memory, when the shared budget has no room, and that the budget is
// given back.
func TestELFMemoryBudget(t *testing.T) {
	fx := buildELF(t)
	lib := fx.lib
	budget := semaphore.NewWeighted(int64(len(lib)) - 1)
	tmp := t.TempDir()
	idx, err := Tar(bytes.NewReader(makeTar(t, file("usr/lib64/libfoo.so.1", string(lib)))), Options{TempDir: tmp, Memory: budget})
	if err != nil {
		t.Fatal(err)
	}
	if es := find(idx, "/usr/lib64/libfoo.so.1"); len(es) != 1 || es[0].ELF == nil {
		t.Fatalf("Tar(library larger than the budget) entries = %+v, want ELF facts read from a spilled file", es)
	}
	assertEmpty(t, tmp)
	if !budget.TryAcquire(int64(len(lib)) - 1) {
		t.Errorf("the memory budget was not given back")
	}
}

// withoutSections strips data as sstrip does (fixture.Sstrip).
func withoutSections(t *testing.T, data []byte, noDynamic bool) []byte {
	t.Helper()
	out, err := fixture.Sstrip(data, noDynamic)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestELFFactsUnreadable checks that an ELF file whose facts are wanted but
// cannot be read says so on its entry and in a warning, and that one the
// loader can read without section headers has its facts.
func TestELFFactsUnreadable(t *testing.T) {
	fx := buildELF(t)
	tests := []struct {
		name    string
		path    string
		body    []byte
		maxSize int64
		want    string // in ELFError; "" for facts read
	}{
		{"truncated library", "/usr/lib64/libstdc++.so.6.0.29", fx.lib[:len(fx.lib)/2], 0, "reading"},
		{"truncated library under /opt", "/opt/lib/libfoo.so", fx.lib[:len(fx.lib)/2], 0, "reading"},
		{"program without dynamic table", "/var/lang/bin/node", withoutSections(t, fx.node, true), 0, elfabi.ErrNoDynamic.Error()},
		{"library over the size limit", "/usr/lib64/libstdc++.so.6.0.29", fx.lib, int64(len(fx.lib)) - 1, "is more than"},
		{"program without section headers", "/var/lang/bin/node", withoutSections(t, fx.node, false), 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			archive := makeTar(t, file(strings.TrimPrefix(tt.path, "/"), string(tt.body)))
			idx, err := Tar(bytes.NewReader(archive), Options{TempDir: tmp, maxELFSize: tt.maxSize})
			if err != nil {
				t.Fatalf("Tar(%s) error: %v", tt.name, err)
			}
			assertEmpty(t, tmp)
			es := find(idx, tt.path)
			if len(es) != 1 || es[0].Fingerprint != fp(string(tt.body)) {
				t.Fatalf("Tar(%s) entries at %q = %+v, want one with its digest", tt.name, tt.path, es)
			}
			e := es[0]
			if tt.want == "" {
				if e.ELF == nil || e.ELFError != "" || e.ELF.Dynamic != elfabi.DynamicSegments {
					t.Fatalf("Tar(%s) entry = ELF %+v, ELFError %q; want facts read through the segments", tt.name, e.ELF, e.ELFError)
				}
				if !slices.Contains(e.ELF.Needed, "libstdc++.so.6") || len(e.ELF.Needs["libstdc++.so.6"]) == 0 {
					t.Errorf("Tar(%s) needs = %v %v, want GLIBCXX versions of libstdc++.so.6", tt.name, e.ELF.Needed, e.ELF.Needs)
				}
				if len(idx.Warnings) != 0 {
					t.Errorf("Tar(%s) warnings = %q, want none", tt.name, idx.Warnings)
				}
				return
			}
			if e.ELF != nil || !strings.Contains(e.ELFError, tt.want) {
				t.Errorf("Tar(%s) entry = ELF %+v, ELFError %q; want no facts and an ELFError containing %q", tt.name, e.ELF, e.ELFError, tt.want)
			}
			warned := slices.ContainsFunc(idx.Warnings, func(w string) bool {
				return strings.Contains(w, fmt.Sprintf("%q", tt.path)) && strings.Contains(w, e.ELFError)
			})
			if !warned {
				t.Errorf("Tar(%s) warnings = %q, want one naming %q and %q", tt.name, idx.Warnings, tt.path, e.ELFError)
			}
		})
	}
}
