package elfabi

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func readPath(t *testing.T, path string) *File {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	f, err := Read(fh)
	if err != nil {
		t.Fatalf("Read(%s) error: %v", path, err)
	}
	return f
}

func TestReadExpected(t *testing.T) {
	fx := buildFixtures(t)
	setNeedFlags(t, fx.app, "GLIBC_PRIVATE", 0x2)

	var gxx, abi []string
	gxx = append([]string{"GLIBCXX_3.4"}, series("GLIBCXX_3.4", 1, 24)...)
	abi = append([]string{"CXXABI_1.3"}, series("CXXABI_1.3", 1, 11)...)
	tests := []struct {
		name string
		path string
		want File
	}{
		{"library", fx.stdcxx, File{
			Class: "ELF64", Machine: "EM_X86_64", Type: "ET_DYN", SOName: "libstdc++.so.6", Dynamic: DynamicSections,
			// CXXABI_1.3.x < CXXABI_FLOAT128 < CXXABI_TM_1 < GLIBCXX_3.4.x < GLIBCXX_EMPTY
			Defines: slices.Concat(abi, []string{"CXXABI_FLOAT128", "CXXABI_TM_1"}, gxx, []string{"GLIBCXX_EMPTY"}),
		}},
		{"executable with runpath", fx.app, File{
			Class: "ELF64", Machine: "EM_X86_64", Type: "ET_DYN", Interp: interpPath, Dynamic: DynamicSections,
			Needed:  []string{"libstdc++.so.6", "libc.so.6"},
			RunPath: []string{"$ORIGIN/../lib", "/opt/x"},
			Needs: map[string][]Need{
				"libstdc++.so.6": {{Name: "CXXABI_1.3.9"}, {Name: "CXXABI_TM_1"}, {Name: "GLIBCXX_3.4.9"}, {Name: "GLIBCXX_3.4.21"}},
				"libc.so.6":      {{Name: "GLIBC_2.2.5"}, {Name: "GLIBC_2.17"}, {Name: "GLIBC_PRIVATE", Weak: true}},
			},
		}},
		{"executable with rpath", fx.rpath, File{
			Class: "ELF64", Machine: "EM_X86_64", Type: "ET_DYN", Interp: interpPath, Dynamic: DynamicSections,
			Needed: []string{"libstdc++.so.6", "libc.so.6"},
			RPath:  []string{"$ORIGIN/../lib", "/opt/x"},
			Needs: map[string][]Need{
				"libstdc++.so.6": {{Name: "CXXABI_1.3.9"}, {Name: "CXXABI_TM_1"}, {Name: "GLIBCXX_3.4.9"}, {Name: "GLIBCXX_3.4.21"}},
				"libc.so.6":      {{Name: "GLIBC_2.2.5"}, {Name: "GLIBC_2.17"}, {Name: "GLIBC_PRIVATE"}},
			},
		}},
		{"static executable", fx.static, File{Class: "ELF64", Machine: "EM_X86_64", Type: "ET_EXEC"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readPath(t, tt.path)
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("Read(%s) =\n%+v\nwant\n%+v", tt.name, *got, tt.want)
			}
		})
	}
}

func TestReadVersionQueries(t *testing.T) {
	fx := buildFixtures(t)
	lib, app := readPath(t, fx.stdcxx), readPath(t, fx.app)
	checks := []struct {
		name      string
		got, want string
	}{
		{"Max GLIBCXX_", Max(lib.Defines, "GLIBCXX_"), "GLIBCXX_3.4.24"},
		{"Max CXXABI_", Max(lib.Defines, "CXXABI_"), "CXXABI_1.3.11"},
		{"MaxNeed GLIBCXX_", app.MaxNeed("GLIBCXX_"), "GLIBCXX_3.4.21"},
		{"MaxNeed CXXABI_", app.MaxNeed("CXXABI_"), "CXXABI_1.3.9"},
		{"MaxNeed GLIBC_", app.MaxNeed("GLIBC_"), "GLIBC_2.17"},
		{"MaxNeed OPENSSL_", app.MaxNeed("OPENSSL_"), ""},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if !lib.HasVersion("GLIBCXX_3.4.21") || lib.HasVersion("GLIBCXX_3.4.29") || lib.HasVersion("libstdc++.so.6") {
		t.Errorf("HasVersion: want GLIBCXX_3.4.21 defined, GLIBCXX_3.4.29 and the base name not")
	}
	if got := Missing(app.Needs["libstdc++.so.6"], lib.Defines); got != nil {
		t.Errorf("Missing(app needs, library defines) = %q, want none", got)
	}
}

// TestReadMatchesReadelf compares Read with what binutils' readelf prints.
func TestReadMatchesReadelf(t *testing.T) {
	if _, err := exec.LookPath("readelf"); err != nil {
		t.Skip("readelf is not installed")
	}
	fx := buildFixtures(t)
	setNeedFlags(t, fx.app, "CXXABI_TM_1", 0x2)
	for _, path := range []string{fx.stdcxx, fx.libc, fx.app, fx.rpath, fx.static} {
		t.Run(path[len(fx.dir)+1:], func(t *testing.T) {
			want := readelf(t, path)
			got := readPath(t, path)
			got.Class, got.Machine, got.Type, got.Dynamic = "", "", "", ""
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("Read(%s) =\n%+v\nreadelf -l -d -V shows\n%+v", path, *got, want)
			}
		})
	}
}

var (
	reInterp  = regexp.MustCompile(`\[Requesting program interpreter: (.*)\]`)
	reDynStr  = regexp.MustCompile(`\((NEEDED|SONAME|RPATH|RUNPATH)\)\s+[^\[]*\[(.*)\]`)
	reVerdef  = regexp.MustCompile(`Rev: \d+\s+Flags: (.*?)\s+Index: \d+\s+Cnt: \d+\s+Name: (\S+)`)
	reVerFile = regexp.MustCompile(`Version: \d+\s+File: (\S+)\s+Cnt:`)
	reVerNeed = regexp.MustCompile(`Name: (\S+)\s+Flags: (.*?)\s+Version:`)
)

// readelf parses `readelf -l -d -V` output into a File without the header
// fields.
func readelf(t *testing.T, path string) File {
	t.Helper()
	out, err := exec.Command("readelf", "-W", "-l", "-d", "-V", path).Output()
	if err != nil {
		t.Fatalf("readelf %s: %v", path, err)
	}
	var f File
	lib := ""
	for _, line := range strings.Split(string(out), "\n") {
		if m := reInterp.FindStringSubmatch(line); m != nil {
			f.Interp = m[1]
		} else if m := reDynStr.FindStringSubmatch(line); m != nil {
			switch m[1] {
			case "NEEDED":
				f.Needed = append(f.Needed, m[2])
			case "SONAME":
				f.SOName = m[2]
			case "RPATH":
				f.RPath = strings.Split(m[2], ":")
			case "RUNPATH":
				f.RunPath = strings.Split(m[2], ":")
			}
		} else if m := reVerdef.FindStringSubmatch(line); m != nil {
			if !strings.Contains(m[1], "BASE") {
				f.Defines = append(f.Defines, m[2])
			}
		} else if m := reVerFile.FindStringSubmatch(line); m != nil {
			lib = m[1]
		} else if m := reVerNeed.FindStringSubmatch(line); m != nil {
			if f.Needs == nil {
				f.Needs = make(map[string][]Need)
			}
			f.Needs[lib] = append(f.Needs[lib], Need{Name: m[1], Weak: strings.Contains(m[2], "WEAK")})
		}
	}
	slices.SortFunc(f.Defines, Compare)
	for _, needs := range f.Needs {
		slices.SortFunc(needs, func(a, b Need) int { return Compare(a.Name, b.Name) })
	}
	return f
}

func TestReadNotELF(t *testing.T) {
	for _, in := range []string{"", "\x7fEL", "#!/bin/sh\necho hi\n", "PK\x03\x04 zip"} {
		_, err := Read(strings.NewReader(in))
		if !errors.Is(err, ErrNotELF) {
			t.Errorf("Read(%q) error = %v, want ErrNotELF", in, err)
		}
	}
}

func TestReadTruncated(t *testing.T) {
	fx := buildFixtures(t)
	for _, path := range []string{fx.stdcxx, fx.app} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{4, 16, 40, 64, len(data) / 2, len(data) - 1} {
			_, err := readMem(t, data[:n])
			if err == nil {
				t.Errorf("Read(first %d of %d bytes of %s) = nil error, want one", n, len(data), path)
			} else if errors.Is(err, ErrNotELF) {
				t.Errorf("Read(first %d bytes of %s) error = %v, want not ErrNotELF", n, path, err)
			}
		}
	}
}

func TestIsELF(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"magic", "\x7fELF", true},
		{"magic and more", "\x7fELF\x02\x01", true},
		{"short", "\x7fEL", false},
		{"empty", "", false},
		{"script", "#!/b", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsELF([]byte(tt.in)); got != tt.want {
				t.Errorf("IsELF(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// readMem reads data both ways a file held in memory can be read, through
// an io.ReaderAt and with ReadBytes (which reads sections and strings where
// they lie), and fails t when they differ in facts or error.
func readMem(t testing.TB, data []byte) (*File, error) {
	t.Helper()
	f, err := Read(bytes.NewReader(data))
	g, gerr := ReadBytes(data)
	if fmt.Sprint(gerr) != fmt.Sprint(err) || !reflect.DeepEqual(g, f) {
		t.Errorf("ReadBytes = %+v, %v; Read of an io.ReaderAt = %+v, %v", g, gerr, f, err)
	}
	return f, err
}
