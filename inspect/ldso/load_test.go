package ldso

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/elfabi"
	"github.com/sammatrix/sammatrix/inspect/layer"
)

// loaded maps each library a load loaded to its real path.
func loaded(libs []Lib) map[string]string {
	out := map[string]string{}
	for _, l := range libs {
		out[l.Name] = l.Path
	}
	return out
}

// load loads program, failing the test on an error.
func load(t *testing.T, l *Loader, program string) *Result {
	t.Helper()
	res, err := l.Load(program)
	if err != nil {
		t.Fatalf("Load(%s) error: %v", program, err)
	}
	return res
}

// Load searches each object's libraries in the loader's order:
// LD_LIBRARY_PATH, the object's RUNPATH ($ORIGIN expanded), ld.so.conf, then
// /lib64 and /usr/lib64; symlinks are followed to the real file.
func TestLoadSearchOrder(t *testing.T) {
	// node20 and its OpenSSL in /var/lang/lib, the system's OpenSSL in
	// /usr/lib64, libpython only in a directory of ld.so.conf.
	python := []layer.Entry{
		elfFile(t, "python3.12/python3.12", "/var/lang/bin/python3.12"),
		elfFile(t, "python3.12/libpython3.12.so.1.0", "/usr/local/lib/libpython3.12.so.1.0"),
	}
	withConf := newTree(amazonLinux(t), systemSSL(t), node20(t), python,
		[]layer.Entry{textFile("/etc/ld.so.conf", "/usr/local/lib\n")})
	withoutConf := newTree(amazonLinux(t), systemSSL(t), node20(t), python)
	tests := []struct {
		name    string
		loader  *Loader
		object  string
		want    map[string]string
		missing string // a library not found, if any
	}{
		{"RUNPATH before the default dirs", New(withoutConf, ""), "/var/lang/bin/node", map[string]string{
			"libssl.so.3":    "/var/lang/lib/libssl.so.3",
			"libcrypto.so.3": "/var/lang/lib/libcrypto.so.3",
			"libc.so.6":      "/usr/lib64/libc.so.6",
			"libstdc++.so.6": "/usr/lib64/libstdc++.so.6.0.29",
		}, ""},
		{"LD_LIBRARY_PATH before RUNPATH", New(withoutConf, "/lib64"), "/var/lang/bin/node", map[string]string{
			"libssl.so.3":    "/usr/lib64/libssl.so.3.0.8",
			"libcrypto.so.3": "/usr/lib64/libcrypto.so.3.0.8",
		}, ""},
		{"ld.so.conf", New(withConf, "/var/lang/lib"), "/var/lang/bin/python3.12", map[string]string{
			"libpython3.12.so.1.0": "/usr/local/lib/libpython3.12.so.1.0",
			"libc.so.6":            "/usr/lib64/libc.so.6",
		}, ""},
		{"not in the search path", New(withoutConf, "/var/lang/lib"), "/var/lang/bin/python3.12", map[string]string{
			"libc.so.6": "/usr/lib64/libc.so.6",
		}, "libpython3.12.so.1.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := load(t, tt.loader, tt.object)
			got := loaded(res.Libs)
			for name, want := range tt.want {
				if got[name] != want {
					t.Errorf("Load(%s) with LD_LIBRARY_PATH=%q loads %s from %q, want %q", tt.object, tt.loader.ldLibraryPath, name, got[name], want)
				}
			}
			// missing lists "object: library" for each library not found.
			var missing []string
			for _, pr := range res.Problems {
				if pr.NotFound() {
					missing = append(missing, pr.Object+": "+pr.Name)
				} else {
					t.Errorf("Load(%s) with LD_LIBRARY_PATH=%q: %s needs %v from %s (%s), want no version missing", tt.object, tt.loader.ldLibraryPath, pr.Object, pr.Missing, pr.Name, pr.Lib.Path)
				}
			}
			var want []string
			if tt.missing != "" {
				want = []string{tt.object + ": " + tt.missing}
			}
			if !slices.Equal(missing, want) {
				t.Errorf("Load(%s) with LD_LIBRARY_PATH=%q misses %q, want %q", tt.object, tt.loader.ldLibraryPath, missing, want)
			}
			if len(res.Unanalysed) != 0 || res.Truncated {
				t.Errorf("Load(%s) = unanalysed %q, truncated %v, want every object analysed", tt.object, res.Unanalysed, res.Truncated)
			}
		})
	}
}

// A library not found names the object that needs it and where the loader
// looked.
func TestLoadNotFound(t *testing.T) {
	l := New(newTree(amazonLinux(t), []layer.Entry{
		elfFile(t, "python3.12/python3.12", "/var/lang/bin/python3.12"),
	}), "/var/lang/lib")
	res := load(t, l, "/var/lang/bin/python3.12")
	want := []Problem{{Object: "/var/lang/bin/python3.12", Name: "libpython3.12.so.1.0", Searched: []string{"/var/lang/lib", "/lib64", "/usr/lib64"}}}
	if !slices.EqualFunc(res.Problems, want, func(a, b Problem) bool {
		return a.Object == b.Object && a.Name == b.Name && a.NotFound() && slices.Equal(a.Searched, b.Searched) && a.Missing == nil
	}) {
		t.Errorf("Load(python3.12).Problems = %+v, want %+v", res.Problems, want)
	}
}

// Load goes breadth first, as glibc does: all of the program's libraries,
// then theirs; each is loaded once, and says which object needed it first.
func TestLoadOrder(t *testing.T) {
	l := New(newTree(amazonLinux(t), []layer.Entry{
		elfFile(t, "python3.12/python3.12", "/var/lang/bin/python3.12"),
		elfFile(t, "python3.12/libpython3.12.so.1.0", "/var/lang/lib/libpython3.12.so.1.0"),
	}), "/var/lang/lib")
	res := load(t, l, "/var/lang/bin/python3.12")
	var got []string
	for _, lib := range res.Libs {
		got = append(got, lib.Name+" "+lib.Link+" by "+lib.NeededBy)
	}
	want := []string{
		"libpython3.12.so.1.0 /var/lang/lib/libpython3.12.so.1.0 by /var/lang/bin/python3.12",
		"libc.so.6 /lib64/libc.so.6 by /var/lang/bin/python3.12",
		"libm.so.6 /lib64/libm.so.6 by /var/lang/lib/libpython3.12.so.1.0",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Load(python3.12).Libs = %q, want %q", got, want)
	}
	if res.Program != "/var/lang/bin/python3.12" {
		t.Errorf("Load(python3.12).Program = %q, want /var/lang/bin/python3.12", res.Program)
	}
	for _, lib := range res.Libs {
		if lib.ELF == nil || lib.Node == nil || lib.Node.Entry.ELF != lib.ELF {
			t.Errorf("Load(python3.12) loads %s with ELF %p, node %+v, want the node's facts", lib.Name, lib.ELF, lib.Node)
		}
	}
}

// A library already loaded is used for every object that needs it, as
// glibc does, even when that object's own search would find another file:
// libssl.so.3 (no RUNPATH) gets the libcrypto.so.3 node loaded from
// /var/lang/lib, not the older system one in /lib64.
func TestLoadReusesLoadedLibraries(t *testing.T) {
	l := New(newTree(amazonLinux(t), systemSSL(t), node20(t)), "")
	res := load(t, l, "/var/lang/bin/node")
	if len(res.Problems) != 0 {
		t.Errorf("Load(node).Problems = %+v, want none", res.Problems)
	}
	if got := loaded(res.Libs)["libcrypto.so.3"]; got != "/var/lang/lib/libcrypto.so.3" {
		t.Errorf("Load(node) loads libcrypto.so.3 from %q, want /var/lang/lib/libcrypto.so.3", got)
	}
	// Each library is loaded once.
	seen := map[string]bool{}
	for _, lib := range res.Libs {
		if seen[lib.Name] {
			t.Errorf("Load(node) loads %s twice", lib.Name)
		}
		seen[lib.Name] = true
	}

	// libssl.so.3 on its own searches for itself and finds the old one.
	res = load(t, l, "/var/lang/lib/libssl.so.3")
	probs := res.Problems
	if len(probs) != 1 || probs[0].Object != "/var/lang/lib/libssl.so.3" || probs[0].Name != "libcrypto.so.3" || probs[0].NotFound() ||
		probs[0].Lib.Path != "/usr/lib64/libcrypto.so.3.0.8" || !slices.Equal(probs[0].Missing, []string{"OPENSSL_3.4.0"}) {
		t.Fatalf("Load(libssl.so.3).Problems = %+v, want OPENSSL_3.4.0 missing from /usr/lib64/libcrypto.so.3.0.8", probs)
	}
	if got := elfabi.Max(probs[0].Defines, "OPENSSL_"); got != "OPENSSL_3.0.0" {
		t.Errorf("Load(libssl.so.3): libcrypto.so.3 defines up to %q, want OPENSSL_3.0.0", got)
	}
}

// A weak version need is not required, as the loader does not insist on it.
func TestLoadIgnoresWeakNeeds(t *testing.T) {
	l := New(newTree([]layer.Entry{
		objectFile("/usr/bin/app", elfabi.File{Needed: []string{"libx.so.1"}, Needs: map[string][]elfabi.Need{
			"libx.so.1": {{Name: "X_1.0"}, {Name: "X_2.0", Weak: true}, {Name: "X_3.0"}},
		}}),
		objectFile("/usr/lib64/libx.so.1", elfabi.File{Defines: []string{"X_1.0"}}),
	}), "")
	res := load(t, l, "/usr/bin/app")
	if len(res.Problems) != 1 || !slices.Equal(res.Problems[0].Missing, []string{"X_3.0"}) {
		t.Errorf("Load(app).Problems = %+v, want X_3.0 missing only", res.Problems)
	}
}

// Objects without ELF facts are listed, so that a load without problems is
// not taken for a proof.
func TestLoadUnanalysed(t *testing.T) {
	tree := newTree(amazonLinux(t), []layer.Entry{
		objectFile("/usr/bin/app", elfabi.File{Needed: []string{"libbig.so", "libc.so.6", "libbig2.so"}}),
		dataFile("/usr/lib64/libbig.so.1"),
		symlink("/usr/lib64/libbig.so", "libbig.so.1"),
		symlink("/usr/lib64/libbig2.so", "libbig.so.1"),
		dataFile("/usr/bin/script"),
	})
	l := New(tree, "")
	tests := []struct {
		program  string
		want     []string
		wantLibs []string
	}{
		{"/usr/bin/app", []string{"/usr/lib64/libbig.so.1"}, []string{"libbig.so", "libc.so.6", "libbig2.so"}},
		{"/usr/bin/script", []string{"/usr/bin/script"}, nil},
		{"/etc/os-release", []string{"/etc/os-release"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.program, func(t *testing.T) {
			res := load(t, l, tt.program)
			if !slices.Equal(res.Unanalysed, tt.want) {
				t.Errorf("Load(%s).Unanalysed = %q, want %q", tt.program, res.Unanalysed, tt.want)
			}
			var libs []string
			for _, lib := range res.Libs {
				libs = append(libs, lib.Name)
			}
			if !slices.Equal(libs, tt.wantLibs) {
				t.Errorf("Load(%s).Libs = %q, want %q", tt.program, libs, tt.wantLibs)
			}
		})
	}
}

// Load fails for what is not a regular file.
func TestLoadNotAFile(t *testing.T) {
	l := New(newTree(amazonLinux(t)), "")
	tests := []struct {
		program  string
		notExist bool
	}{
		{"/var/lang/bin/node", true},
		{"/usr/lib64", false},
		{"/lib64", false},
	}
	for _, tt := range tests {
		t.Run(tt.program, func(t *testing.T) {
			res, err := l.Load(tt.program)
			if err == nil || res != nil {
				t.Fatalf("Load(%s) = %+v, %v, want an error", tt.program, res, err)
			}
			if errors.Is(err, fs.ErrNotExist) != tt.notExist {
				t.Errorf("Load(%s) error = %v, want errors.Is(err, fs.ErrNotExist) = %v", tt.program, err, tt.notExist)
			}
		})
	}
}

// Load follows at most MaxObjects objects.
func TestLoadBound(t *testing.T) {
	const n = MaxObjects + 10
	entries := []layer.Entry{objectFile("/usr/bin/app", elfabi.File{Needed: []string{"lib0.so"}})}
	for i := range n {
		entries = append(entries, objectFile(fmt.Sprintf("/usr/lib64/lib%d.so", i), elfabi.File{Needed: []string{fmt.Sprintf("lib%d.so", i+1)}}))
	}
	res := load(t, New(newTree(entries), ""), "/usr/bin/app")
	if !res.Truncated || len(res.Libs) != MaxObjects {
		t.Errorf("Load(app) through a chain of %d libraries = %d libraries, truncated %v, want %d, true", n, len(res.Libs), res.Truncated, MaxObjects)
	}
	if len(res.Problems) != 0 {
		t.Errorf("Load(app).Problems = %+v, want none before the bound", res.Problems)
	}
}
