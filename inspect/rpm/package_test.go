package rpm

import (
	"path"
	"testing"
)

func TestEVR(t *testing.T) {
	tests := []struct {
		name string
		p    Package
		want string
	}{
		{"epoch", Package{Epoch: intp(1), Version: "3.0.8", Release: "1.amzn2023.0.12"}, "1:3.0.8-1.amzn2023.0.12"},
		{"zero epoch is shown", Package{Epoch: intp(0), Version: "1.0", Release: "1"}, "0:1.0-1"},
		{"no epoch", Package{Version: "2.26", Release: "64.amzn2.0.2"}, "2.26-64.amzn2.0.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.EVR(); got != tt.want {
				t.Errorf("EVR(%+v) = %q, want %q", tt.p, got, tt.want)
			}
		})
	}
}

func TestFind(t *testing.T) {
	pkgs := []Package{{Name: "glibc", Version: "2.26"}, {Name: "libstdc++", Version: "7.3.1"}}
	if got := Find(pkgs, "libstdc++"); got == nil || got.Version != "7.3.1" {
		t.Errorf("Find(pkgs, %q) = %+v, want version 7.3.1", "libstdc++", got)
	} else if got != &pkgs[1] {
		t.Errorf("Find(pkgs, %q) points to a copy, want the element", "libstdc++")
	}
	for _, name := range []string{"libstdc", "", "GLIBC"} {
		if got := Find(pkgs, name); got != nil {
			t.Errorf("Find(pkgs, %q) = %+v, want nil", name, got)
		}
	}
	if got := Find(nil, "glibc"); got != nil {
		t.Errorf("Find(nil, %q) = %+v, want nil", "glibc", got)
	}
}

func TestFormatOf(t *testing.T) {
	tests := []struct {
		name   string
		path   string
		want   Format
		wantOK bool
	}{
		{"bdb", "/var/lib/rpm/Packages", BDB, true},
		{"sqlite", "/var/lib/rpm/rpmdb.sqlite", SQLite, true},
		{"ndb", "/usr/lib/sysimage/rpm/Packages.db", NDB, true},
		{"relative", "var/lib/rpm/rpmdb.sqlite", SQLite, true},
		{"sqlite side file", "/var/lib/rpm/rpmdb.sqlite-wal", "", false},
		{"index file", "/var/lib/rpm/Name", "", false},
		{"lower case", "/var/lib/rpm/packages", "", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := FormatOf(tt.path)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("FormatOf(%q) = %q, %v, want %q, %v", tt.path, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestPaths(t *testing.T) {
	seen := make(map[Format]int)
	for _, p := range Paths {
		f, ok := FormatOf(p)
		if !ok || !path.IsAbs(p) {
			t.Errorf("Paths holds %q, which FormatOf does not know or is not absolute", p)
		}
		seen[f]++
	}
	for _, f := range []Format{BDB, SQLite, NDB} {
		if seen[f] != 2 {
			t.Errorf("Paths holds %d %s paths, want 2 (/var/lib/rpm and /usr/lib/sysimage/rpm)", seen[f], f)
		}
	}
}
func intp(i int) *int { return &i }
