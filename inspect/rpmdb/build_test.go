package rpmdb

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakePackage describes an empty package to build with rpmbuild.
type fakePackage struct {
	name, epoch, version, release, arch string
	provides                            []string
}

func (p fakePackage) spec() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Name: %s\nVersion: %s\nRelease: %s\nBuildArch: %s\n", p.name, p.version, p.release, p.arch)
	if p.epoch != "" {
		fmt.Fprintf(&b, "Epoch: %s\n", p.epoch)
	}
	for _, pr := range p.provides {
		fmt.Fprintf(&b, "Provides: %s\n", pr)
	}
	b.WriteString("Summary: stand-in\nLicense: MIT\n%define _build_id_links none\n%description\nstand-in\n%files\n")
	return b.String()
}

// buildDB builds the packages with rpmbuild, installs them with
// `rpm --justdb` into a fresh database and returns the path of its
// rpmdb.sqlite (rpm 4.18 writes sqlite).
func buildDB(t *testing.T, pkgs ...fakePackage) string {
	t.Helper()
	for _, tool := range []string{"rpm", "rpmbuild"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed; it builds the rpm database fixtures", tool)
		}
	}
	dir := t.TempDir()
	top, dbDir := filepath.Join(dir, "top"), filepath.Join(dir, "db")
	var rpms []string
	for _, p := range pkgs {
		spec := filepath.Join(dir, p.name+".spec")
		if err := os.WriteFile(spec, []byte(p.spec()), 0o644); err != nil {
			t.Fatal(err)
		}
		run(t, "rpmbuild", "-bb", "--define", "_topdir "+top, spec)
		rpms = append(rpms, filepath.Join(top, "RPMS", p.arch,
			fmt.Sprintf("%s-%s-%s.%s.rpm", p.name, p.version, p.release, p.arch)))
	}
	if err := os.MkdirAll(dbDir, 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, "rpm", append([]string{"-i", "--justdb", "--nodeps", "--noscripts", "--ignorearch", "--dbpath", dbDir}, rpms...)...)
	return filepath.Join(dbDir, "rpmdb.sqlite")
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir()) // keep ~/.rpmmacros out
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// onlyFile copies the database file alone into a new directory, as an
// image layer would hold it, and returns its path.
func onlyFile(t *testing.T, src string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.WriteFile(dst, data, 0o444); err != nil {
		t.Fatal(err)
	}
	return dst
}

// names lists the entries of dir.
func names(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}
