package reader

import (
	"encoding/json"
	"fmt"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sammatrix/sammatrix/inspect/fixture"
	"github.com/sammatrix/sammatrix/inspect/rpm"
)

// expectedPackages reads testdata/fixtures/rpm/expect.json: the packages of
// each committed database, keyed "<set>/<lower|upper>/<file>".
func expectedPackages(t testing.TB) map[string][]rpm.Package {
	t.Helper()
	var m map[string][]rpm.Package
	if err := json.Unmarshal(input(t, "rpm/expect.json"), &m); err != nil {
		t.Fatalf("parsing rpm/expect.json: %v", err)
	}
	return m
}

// nevra formats packages without their Provides, for comparison.
func nevra(pkgs []rpm.Package) string {
	s := ""
	for _, p := range pkgs {
		s += fmt.Sprintf("%s-%s.%s\n", p.Name, p.EVR(), p.Arch)
	}
	return s
}

func TestRPMUpperCopy(t *testing.T) {
	want := expectedPackages(t)
	for _, tc := range []struct {
		fixture, set, file string
		format             rpm.Format
	}{
		{fixture: "nodejs18.x", set: "al2", file: "Packages", format: rpm.BDB},
		{fixture: "python3.12", set: "al2023-6.0.29", file: "rpmdb.sqlite", format: rpm.SQLite},
		{fixture: "java21@6.0.33", set: "al2023-6.0.33", file: "rpmdb.sqlite", format: rpm.SQLite},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			upper, lower := want[tc.set+"/upper/"+tc.file], want[tc.set+"/lower/"+tc.file]
			if len(upper) == 0 || len(lower) == 0 {
				t.Fatalf("rpm/expect.json has no packages for %s/{upper,lower}/%s", tc.set, tc.file)
			}
			upperStdcxx, lowerStdcxx := rpm.Find(upper, "libstdc++"), rpm.Find(lower, "libstdc++")
			if upperStdcxx == nil || lowerStdcxx == nil || upperStdcxx.EVR() == lowerStdcxx.EVR() {
				t.Fatalf("rpm/expect.json: libstdc++ of %s is %v upper and %v lower, want two different versions", tc.set, upperStdcxx, lowerStdcxx)
			}

			_, img := build(t, tc.fixture)
			layers, err := img.Layers()
			if err != nil {
				t.Fatal(err)
			}
			// The OS layer alone has the older list; the image has the
			// dev tools layer's copy on top.
			base, err := fixture.Image(layers[fixture.OSLayer])
			if err != nil {
				t.Fatal(err)
			}
			digests := layerDigests(t, img)
			dir := writeLayout(t, map[string]v1.Image{"image": img, "base": base})
			in := newInspector(t, Options{})
			for _, c := range []struct {
				tag   string
				want  []rpm.Package
				layer v1.Hash
			}{
				{"image", upper, digests[fixture.DevToolsLayer]},
				{"base", lower, digests[fixture.OSLayer]},
			} {
				ref := "oci:" + dir + ":" + c.tag
				got := mustInspect(t, in, ref).Facts
				r := got.RPM
				if r == nil {
					t.Fatalf("Inspect(%q).Facts.RPM = nil, want the %s database", ref, tc.format)
				}
				if r.Format != tc.format || r.Path != "/var/lib/rpm/"+tc.file || r.Layer != c.layer.String() {
					t.Errorf("Inspect(%q).Facts.RPM = %s %s from %s, want %s /var/lib/rpm/%s from %s", ref, r.Format, r.Path, r.Layer, tc.format, tc.file, c.layer)
				}
				if g, w := nevra(r.Packages), nevra(c.want); g != w {
					t.Errorf("Inspect(%q).Facts.RPM.Packages =\n%s\nwant\n%s", ref, g, w)
				}
				if g, w := rpm.Find(r.Packages, "libstdc++"), rpm.Find(c.want, "libstdc++"); g == nil || g.EVR() != w.EVR() {
					t.Errorf("Inspect(%q): libstdc++ package = %v, want %s", ref, g, w.EVR())
				}
				if g, w := got.Glibc, rpm.Find(c.want, "glibc"); g == nil || g.RPM != w.EVR() {
					t.Errorf("Inspect(%q).Facts.Glibc = %+v, want rpm %s", ref, g, w.EVR())
				}
			}
		})
	}
}
