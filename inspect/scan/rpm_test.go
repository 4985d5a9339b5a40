package scan

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/rpm"
)

// buildRPMDB makes an sqlite rpm database holding one stand-in package,
// fakepkg-2:1.2.3-4.amzn2023.noarch, with Debian's rpm tools.
func buildRPMDB(t testing.TB) []byte {
	for _, tool := range []string{"rpm", "rpmbuild"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed; it builds the rpm database fixture", tool)
		}
	}
	dir := t.TempDir()
	spec := filepath.Join(dir, "fakepkg.spec")
	err := os.WriteFile(spec, []byte(`Name: fakepkg
Epoch: 2
Version: 1.2.3
Release: 4.amzn2023
BuildArch: noarch
Summary: A stand-in package
License: MIT
Provides: libfake.so.1()(64bit)

%description
A stand-in package for the tests.

%files
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) {
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), "HOME="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	run("rpmbuild", "-bb", "--define", "_topdir "+dir, spec)
	db := filepath.Join(dir, "db")
	run("rpm", "-i", "--justdb", "--nodeps", "--noscripts", "--ignorearch", "--dbpath", db,
		filepath.Join(dir, "RPMS", "noarch", "fakepkg-1.2.3-4.amzn2023.noarch.rpm"))
	b, err := os.ReadFile(filepath.Join(db, "rpmdb.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRPMDatabase(t *testing.T) {
	db := buildRPMDB(t)
	idx := scanTar(t, makeTar(t,
		file("var/lib/rpm/rpmdb.sqlite", string(db)),
		file("usr/lib/sysimage/rpm/rpmdb.sqlite", "not a database"),
		file("var/lib/rpm/other.sqlite", "not kept"),
	))
	es := find(idx, "/var/lib/rpm/rpmdb.sqlite")
	if len(es) != 1 || es[0].RPM == nil {
		t.Fatalf("entries at /var/lib/rpm/rpmdb.sqlite = %+v, want one with packages (warnings %q)", es, idx.Warnings)
	}
	if es[0].RPM.Format != "sqlite" {
		t.Errorf("layer.RPM.Format = %q, want sqlite", es[0].RPM.Format)
	}
	i := slices.IndexFunc(es[0].RPM.Packages, func(p rpm.Package) bool { return p.Name == "fakepkg" })
	if i < 0 {
		t.Fatalf("layer.RPM.Packages = %+v, want fakepkg in it", es[0].RPM.Packages)
	}
	p := es[0].RPM.Packages[i]
	if p.Version != "1.2.3" || p.Release != "4.amzn2023" || p.Arch != "noarch" || p.Epoch == nil || *p.Epoch != 2 {
		t.Errorf("fakepkg = %+v, want 2:1.2.3-4.amzn2023.noarch", p)
	}
	if !slices.Contains(p.Provides, "libfake.so.1()(64bit)") {
		t.Errorf("fakepkg Provides = %q, want libfake.so.1()(64bit) in it", p.Provides)
	}

	// A database that cannot be read is a warning, not an error.
	bad := find(idx, "/usr/lib/sysimage/rpm/rpmdb.sqlite")
	if len(bad) != 1 || bad[0].RPM != nil {
		t.Errorf("entries at /usr/lib/sysimage/rpm/rpmdb.sqlite = %+v, want one without packages", bad)
	}
	if !slices.ContainsFunc(idx.Warnings, func(w string) bool {
		return strings.HasPrefix(w, `no packages read from rpm database "/usr/lib/sysimage/rpm/rpmdb.sqlite"`)
	}) {
		t.Errorf("Warnings = %q, want one for the unreadable database", idx.Warnings)
	}
	if got := find(idx, "/var/lib/rpm/other.sqlite"); len(got) != 0 {
		t.Errorf("entries at /var/lib/rpm/other.sqlite = %+v, want none", got)
	}
}

// TestRPMBerkeleyDB reads the committed BerkeleyDB fixture, when present.
func TestRPMBerkeleyDB(t *testing.T) {
	db := committed(t, "rpm/al2/upper/Packages")
	idx := scanTar(t, makeTar(t, file("var/lib/rpm/Packages", string(db))))
	es := find(idx, "/var/lib/rpm/Packages")
	if len(es) != 1 || es[0].RPM == nil || es[0].RPM.Format != "bdb" {
		t.Fatalf("entries at /var/lib/rpm/Packages = %+v, want one bdb database (warnings %q)", es, idx.Warnings)
	}
	if !slices.ContainsFunc(es[0].RPM.Packages, func(p rpm.Package) bool {
		return p.Name == "libstdc++" && p.Version == "7.3.1" && p.Release == "17.amzn2"
	}) {
		t.Errorf("layer.RPM.Packages = %+v, want libstdc++-7.3.1-17.amzn2", es[0].RPM.Packages)
	}
}
