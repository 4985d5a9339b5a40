package matrix

import (
	"slices"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/fixture"
)

// loaded maps each library a load simulation loaded to its real path.
func loaded(libs []loadedLib) map[string]string {
	out := map[string]string{}
	for _, l := range libs {
		out[l.Name] = l.Path
	}
	return out
}

// simulateLoad searches each object's libraries in the loader's order:
// LD_LIBRARY_PATH, the object's RUNPATH ($ORIGIN expanded), ld.so.conf, then
// /lib64 and /usr/lib64; symlinks are followed to the real file.
func TestSimulateLoadSearchOrder(t *testing.T) {
	// node20 and its OpenSSL in /var/lang/lib, the system's OpenSSL in
	// /usr/lib64, libpython only in a directory of ld.so.conf.
	img := inspectImage(t, buildImage(t, amazonLinux(t, "al2023"), systemSSL(t),
		nodeFiles(t, "node20", "libssl.so.3", "libcrypto.so.3"),
		[]fixture.File{
			elfFile(t, "python3.12/python3.12", "var/lang/bin/python3.12"),
			elfFile(t, "python3.12/libpython3.12.so.1.0", "usr/local/lib/libpython3.12.so.1.0"),
		}))
	tests := []struct {
		name     string
		object   string
		ldPath   string
		ldSoConf []string
		want     map[string]string
		missing  string // a library not found, if any
	}{
		{"RUNPATH before the default dirs", "/var/lang/bin/node", "", nil, map[string]string{
			"libssl.so.3":    "/var/lang/lib/libssl.so.3",
			"libcrypto.so.3": "/var/lang/lib/libcrypto.so.3",
			"libc.so.6":      "/usr/lib64/libc.so.6",
			"libstdc++.so.6": "/usr/lib64/libstdc++.so.6.0.29",
		}, ""},
		{"LD_LIBRARY_PATH before RUNPATH", "/var/lang/bin/node", "/lib64", nil, map[string]string{
			"libssl.so.3":    "/usr/lib64/libssl.so.3.0.8",
			"libcrypto.so.3": "/usr/lib64/libcrypto.so.3.0.8",
		}, ""},
		{"ld.so.conf", "/var/lang/bin/python3.12", "/var/lang/lib", []string{"/usr/local/lib"}, map[string]string{
			"libpython3.12.so.1.0": "/usr/local/lib/libpython3.12.so.1.0",
			"libc.so.6":            "/usr/lib64/libc.so.6",
		}, ""},
		{"not in the search path", "/var/lang/bin/python3.12", "/var/lang/lib", nil, map[string]string{
			"libc.so.6": "/usr/lib64/libc.so.6",
		}, "libpython3.12.so.1.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probs, libs := simulateLoad(img.Tree, tt.object, tt.ldPath, tt.ldSoConf)
			got := loaded(libs)
			for name, want := range tt.want {
				if got[name] != want {
					t.Errorf("simulateLoad(%s, LD_LIBRARY_PATH=%q) loads %s from %q, want %q", tt.object, tt.ldPath, name, got[name], want)
				}
			}
			// missing lists "object: library" for each library not found.
			var missing []string
			for _, pr := range probs {
				if pr.Found == "" {
					missing = append(missing, pr.Object+": "+pr.Lib)
				} else {
					t.Errorf("simulateLoad(%s, LD_LIBRARY_PATH=%q): %s needs %v from %s (%s), want no version missing", tt.object, tt.ldPath, pr.Object, pr.Missing, pr.Lib, pr.Found)
				}
			}
			var want []string
			if tt.missing != "" {
				want = []string{tt.object + ": " + tt.missing}
			}
			if !slices.Equal(missing, want) {
				t.Errorf("simulateLoad(%s, LD_LIBRARY_PATH=%q) misses %q, want %q", tt.object, tt.ldPath, missing, want)
			}
		})
	}
}

// A library already loaded is used for every object that needs it, as
// glibc does, even when that object's own search would find another file:
// libssl.so.3 (no RUNPATH) gets the libcrypto.so.3 node loaded from
// /var/lang/lib, not the older system one in /lib64.
func TestSimulateLoadReusesLoadedLibraries(t *testing.T) {
	img := inspectImage(t, buildImage(t, amazonLinux(t, "al2023"), systemSSL(t),
		nodeFiles(t, "node20", "libssl.so.3", "libcrypto.so.3")))
	probs, libs := simulateLoad(img.Tree, "/var/lang/bin/node", "", nil)
	if len(probs) != 0 {
		t.Errorf("simulateLoad(node) probs = %+v, want none", probs)
	}
	if got := loaded(libs)["libcrypto.so.3"]; got != "/var/lang/lib/libcrypto.so.3" {
		t.Errorf("simulateLoad(node) loads libcrypto.so.3 from %q, want /var/lang/lib/libcrypto.so.3", got)
	}
	// Each library is loaded once.
	seen := map[string]bool{}
	for _, l := range libs {
		if seen[l.Name] {
			t.Errorf("simulateLoad(node) loads %s twice", l.Name)
		}
		seen[l.Name] = true
	}

	// libssl.so.3 on its own searches for itself and finds the old one.
	probs, _ = simulateLoad(img.Tree, "/var/lang/lib/libssl.so.3", "", nil)
	if len(probs) != 1 || probs[0].Found != "/usr/lib64/libcrypto.so.3.0.8" || len(probs[0].Missing) != 1 || probs[0].Missing[0] != "OPENSSL_3.4.0" {
		t.Errorf("simulateLoad(libssl.so.3) probs = %+v, want OPENSSL_3.4.0 missing from /usr/lib64/libcrypto.so.3.0.8", probs)
	}
}

func TestSimulateLoadNotAnObject(t *testing.T) {
	img := inspectImage(t, buildImage(t, amazonLinux(t, "al2023")))
	for _, p := range []string{"/var/lang/bin/node", "/etc/os-release", "/usr/lib64"} {
		if probs, libs := simulateLoad(img.Tree, p, "", nil); probs != nil || libs != nil {
			t.Errorf("simulateLoad(%s) = %+v, %+v, want nothing", p, probs, libs)
		}
	}
}
