package ldso

import (
	"fmt"
	"slices"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/elfabi"
	"github.com/sammatrix/sammatrix/inspect/fstree"
	"github.com/sammatrix/sammatrix/inspect/layer"
)

func TestSearchPath(t *testing.T) {
	conf := []string{"/usr/local/lib", "/usr/lib64/mysql"}
	tests := []struct {
		name   string
		f      elfabi.File
		obj    string
		ldPath string
		ldConf []string
		want   []string
	}{
		{
			name: "defaults only",
			obj:  "/usr/bin/python3",
			want: []string{"/lib64", "/usr/lib64"},
		},
		{
			name:   "lambda node",
			obj:    "/var/lang/bin/node",
			ldPath: "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
			ldConf: conf,
			want: []string{"/var/lang/lib", "/lib64", "/usr/lib64", "/var/runtime", "/var/runtime/lib",
				"/var/task", "/var/task/lib", "/opt/lib", "/usr/local/lib", "/usr/lib64/mysql"},
		},
		{
			name:   "rpath before LD_LIBRARY_PATH",
			f:      elfabi.File{RPath: []string{"$ORIGIN/../lib"}},
			obj:    "/opt/app/bin/app",
			ldPath: "/ld/one;/ld/two::",
			ldConf: conf,
			want:   []string{"/opt/app/lib", "/ld/one", "/ld/two", "/usr/local/lib", "/usr/lib64/mysql", "/lib64", "/usr/lib64"},
		},
		{
			name:   "rpath ignored when runpath present",
			f:      elfabi.File{RPath: []string{"/rpath"}, RunPath: []string{"${ORIGIN}", "/runpath"}},
			obj:    "/opt/app/bin/app",
			ldPath: "/ld",
			want:   []string{"/ld", "/opt/app/bin", "/runpath", "/lib64", "/usr/lib64"},
		},
		{
			name: "lib and platform tokens",
			f:    elfabi.File{RunPath: []string{"/opt/$LIB", "/opt/${LIB}/x", "/opt/$PLATFORM", "/opt/${PLATFORM}/y"}},
			obj:  "/usr/bin/app",
			want: []string{"/opt/lib64", "/opt/lib64/x", "/opt/x86_64", "/opt/x86_64/y", "/lib64", "/usr/lib64"},
		},
		{
			name:   "duplicates keep the first",
			f:      elfabi.File{RunPath: []string{"/usr/lib64/", "/a", ""}},
			obj:    "/usr/bin/app",
			ldPath: "/a:/lib64",
			ldConf: []string{"/a", "/b"},
			want:   []string{"/a", "/lib64", "/usr/lib64", "/b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &Loader{tree: fstree.New(), ldLibraryPath: tt.ldPath, conf: tt.ldConf}
			got := l.SearchPath(tt.obj, &tt.f)
			if !slices.Equal(got, tt.want) {
				t.Errorf("SearchPath(%q, %+v) with LD_LIBRARY_PATH=%q, ld.so.conf %q = %q, want %q", tt.obj, tt.f, tt.ldPath, tt.ldConf, got, tt.want)
			}
		})
	}
}

// A search path longer than SearchPath looks through for duplicates
// without a set still keeps the first of each directory.
func TestSearchPathLong(t *testing.T) {
	var rpath, want []string
	for i := range 100 {
		rpath = append(rpath, fmt.Sprintf("/r%d", i), fmt.Sprintf("/r%d/", i))
		want = append(want, fmt.Sprintf("/r%d", i))
	}
	rpath = append(rpath, "/r0", "/lib64")
	want = append(want, "/lib64", "/usr/lib64")
	l := &Loader{tree: fstree.New(), conf: []string{"/r5"}}
	if got := l.SearchPath("/usr/bin/app", &elfabi.File{RPath: rpath}); !slices.Equal(got, want) {
		t.Errorf("SearchPath(RPATH of %d directories) = %q, want %q", len(rpath), got, want)
	}
}

// LibraryPath is the search path of a program without RPATH or RUNPATH,
// with the ld.so.conf of the tree.
func TestLibraryPath(t *testing.T) {
	tree := newTree([]layer.Entry{
		textFile("/etc/ld.so.conf", "/usr/local/lib\ninclude ld.so.conf.d/*.conf\n"),
		textFile("/etc/ld.so.conf.d/mysql.conf", "/usr/lib64/mysql\n"),
	})
	tests := []struct {
		name   string
		ldPath string
		want   []string
	}{
		{"no LD_LIBRARY_PATH", "", []string{"/usr/local/lib", "/usr/lib64/mysql", "/lib64", "/usr/lib64"}},
		{"LD_LIBRARY_PATH first", "/var/lang/lib:$ORIGIN/x:/usr/lib64", []string{"/var/lang/lib", "/x", "/usr/lib64", "/usr/local/lib", "/usr/lib64/mysql", "/lib64"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := New(tree, tt.ldPath).LibraryPath(); !slices.Equal(got, tt.want) {
				t.Errorf("New(tree, %q).LibraryPath() = %q, want %q", tt.ldPath, got, tt.want)
			}
		})
	}
}

func TestLocate(t *testing.T) {
	tree := newTree([]layer.Entry{
		dataFile("/usr/lib64/libstdc++.so.6.0.24"),
		dataFile("/var/lang/lib/libssl.so.3"),
		dataFile("/usr/lib64/libssl.so.3.0.8"),
		dataFile("/opt/lib/libz.so.1.2.13"),
		dir("/usr/lib64/libdir.so"),
		symlink("/usr/lib64/libstdc++.so.6", "libstdc++.so.6.0.24"),
		symlink("/usr/lib64/libssl.so.3", "libssl.so.3.0.8"),
		symlink("/lib64/libz.so.1", "/opt/lib/libz.so.1.2.13"),
		symlink("/usr/lib64/libloop.so", "libloop.so"),
		symlink("/usr/lib64/libdangling.so", "/nowhere/libdangling.so"),
		symlink("/lib64/libdir.so", "../usr/lib64/libdir.so"),
	})
	l := New(tree, "")
	dirs := []string{"/var/lang/lib", "/lib64", "/usr/lib64"}
	tests := []struct {
		name     string
		lib      string
		wantLink string
		wantPath string
		wantOK   bool
	}{
		{"through a relative symlink", "libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib64/libstdc++.so.6.0.24", true},
		{"first directory wins", "libssl.so.3", "/var/lang/lib/libssl.so.3", "/var/lang/lib/libssl.so.3", true},
		{"absolute symlink", "libz.so.1", "/lib64/libz.so.1", "/opt/lib/libz.so.1.2.13", true},
		{"name with slash is a path", "/usr/lib64/libssl.so.3", "/usr/lib64/libssl.so.3", "/usr/lib64/libssl.so.3.0.8", true},
		{"path not searched", "lib/libz.so.1", "", "", false},
		{"absent", "libcrypt.so.2", "", "", false},
		{"symlink loop", "libloop.so", "", "", false},
		{"dangling symlink", "libdangling.so", "", "", false},
		{"directory", "libdir.so", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib, ok := l.Locate(tt.lib, dirs)
			if lib.Link != tt.wantLink || lib.Path != tt.wantPath || ok != tt.wantOK {
				t.Errorf("Locate(%q) = %q, %q, %v, want %q, %q, %v", tt.lib, lib.Link, lib.Path, ok, tt.wantLink, tt.wantPath, tt.wantOK)
			}
			if ok && (lib.Name != tt.lib || lib.Node == nil || lib.Node.Entry.Path != tt.wantPath) {
				t.Errorf("Locate(%q) = name %q, node %+v, want the name and the node at %s", tt.lib, lib.Name, lib.Node, tt.wantPath)
			}
		})
	}
}

// Locate follows the links of an image's merged tree: /lib64 is a link to
// usr/lib64 in the SAM images, and libstdc++.so.6 one to the real file.
func TestLocateThroughLinkedDirectory(t *testing.T) {
	l := New(newTree(amazonLinux(t)), "")
	lib, ok := l.Locate("libstdc++.so.6", []string{"/var/lang/lib", "/lib64", "/usr/lib64"})
	if !ok || lib.Link != "/lib64/libstdc++.so.6" || lib.Path != "/usr/lib64/libstdc++.so.6.0.29" {
		t.Errorf("Locate(libstdc++.so.6) = %q, %q, %v, want /lib64/libstdc++.so.6 → /usr/lib64/libstdc++.so.6.0.29", lib.Link, lib.Path, ok)
	}
	if lib.ELF == nil || !slices.Contains(lib.ELF.Defines, "GLIBCXX_3.4.29") {
		t.Errorf("Locate(libstdc++.so.6).ELF = %+v, want the facts of libstdc++.so.6.0.29", lib.ELF)
	}
}
