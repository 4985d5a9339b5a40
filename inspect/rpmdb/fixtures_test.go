package rpmdb

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/rpm"
)

// fixtureDir holds the committed rpm databases of the fixture images,
// with expect.json listing the packages rpm itself reports for each.
const fixtureDir = "../../testdata/fixtures/rpm"

func TestReadFileFixtures(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(fixtureDir, "expect.json"))
	if os.IsNotExist(err) {
		t.Skipf("no fixture databases in %s", fixtureDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	var want map[string][]rpm.Package
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatalf("parsing expect.json: %v", err)
	}
	if len(want) == 0 {
		t.Fatalf("expect.json lists no databases")
	}
	formats := make(map[rpm.Format]bool)
	for rel, pkgs := range want {
		t.Run(rel, func(t *testing.T) {
			p := filepath.Join(fixtureDir, filepath.FromSlash(rel))
			f, ok := rpm.FormatOf(p)
			if !ok {
				t.Fatalf("rpm.FormatOf(%q) = false, want a format", p)
			}
			formats[f] = true
			before := names(t, filepath.Dir(p))
			got, err := ReadFile(p)
			if err != nil {
				t.Fatalf("ReadFile(%q) error: %v", p, err)
			}
			// expect.json omits provides; compare the rest.
			for i := range got {
				got[i].Provides = nil
			}
			if !reflect.DeepEqual(got, pkgs) {
				t.Errorf("ReadFile(%q) =\n%s\nwant\n%s", p, show(got), show(pkgs))
			}
			if after := names(t, filepath.Dir(p)); !slices.Equal(after, before) {
				t.Errorf("ReadFile(%q) changed its directory from %q to %q", p, before, after)
			}
		})
	}
	for _, f := range []rpm.Format{rpm.BDB, rpm.SQLite} {
		if !formats[f] {
			t.Errorf("expect.json lists no %s database", f)
		}
	}
}
