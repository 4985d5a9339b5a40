package elfabi

import (
	"path"
	"slices"
	"testing"
)

func TestSearchPath(t *testing.T) {
	conf := []string{"/usr/local/lib", "/usr/lib64/mysql"}
	tests := []struct {
		name   string
		f      File
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
			f:      File{RPath: []string{"$ORIGIN/../lib"}},
			obj:    "/opt/app/bin/app",
			ldPath: "/ld/one;/ld/two::",
			ldConf: conf,
			want:   []string{"/opt/app/lib", "/ld/one", "/ld/two", "/usr/local/lib", "/usr/lib64/mysql", "/lib64", "/usr/lib64"},
		},
		{
			name:   "rpath ignored when runpath present",
			f:      File{RPath: []string{"/rpath"}, RunPath: []string{"${ORIGIN}", "/runpath"}},
			obj:    "/opt/app/bin/app",
			ldPath: "/ld",
			want:   []string{"/ld", "/opt/app/bin", "/runpath", "/lib64", "/usr/lib64"},
		},
		{
			name: "lib and platform tokens",
			f:    File{RunPath: []string{"/opt/$LIB", "/opt/${LIB}/x", "/opt/$PLATFORM", "/opt/${PLATFORM}/y"}},
			obj:  "/usr/bin/app",
			want: []string{"/opt/lib64", "/opt/lib64/x", "/opt/x86_64", "/opt/x86_64/y", "/lib64", "/usr/lib64"},
		},
		{
			name:   "duplicates keep the first",
			f:      File{RunPath: []string{"/usr/lib64/", "/a", ""}},
			obj:    "/usr/bin/app",
			ldPath: "/a:/lib64",
			ldConf: []string{"/a", "/b"},
			want:   []string{"/a", "/lib64", "/usr/lib64", "/b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SearchPath(&tt.f, tt.obj, tt.ldPath, tt.ldConf)
			if !slices.Equal(got, tt.want) {
				t.Errorf("SearchPath(%+v, %q, %q, %q) = %q, want %q", tt.f, tt.obj, tt.ldPath, tt.ldConf, got, tt.want)
			}
		})
	}
}

// mapFS is an FS of regular files and symbolic links, as an image's merged
// layers would give.
type mapFS struct {
	files map[string]bool   // regular files
	links map[string]string // link path -> target, absolute or relative to the link's directory
}

func (m mapFS) Resolve(p string) (string, bool) {
	for range 40 { // the kernel's symlink limit
		if m.files[p] {
			return p, true
		}
		target, ok := m.links[p]
		if !ok {
			return "", false
		}
		if !path.IsAbs(target) {
			target = path.Join(path.Dir(p), target)
		}
		p = target
	}
	return "", false
}

var _ FS = mapFS{}

func TestLocate(t *testing.T) {
	fsys := mapFS{
		files: map[string]bool{
			"/usr/lib64/libstdc++.so.6.0.24": true,
			"/var/lang/lib/libssl.so.3":      true,
			"/usr/lib64/libssl.so.3.0.8":     true,
			"/opt/lib/libz.so.1.2.13":        true,
		},
		links: map[string]string{
			"/usr/lib64/libstdc++.so.6": "libstdc++.so.6.0.24",
			"/usr/lib64/libssl.so.3":    "libssl.so.3.0.8",
			"/lib64/libz.so.1":          "/opt/lib/libz.so.1.2.13",
			"/usr/lib64/libloop.so":     "libloop.so",
			"/usr/lib64/libdangling.so": "/nowhere/libdangling.so",
		},
	}
	dirs := []string{"/var/lang/lib", "/lib64", "/usr/lib64"}
	tests := []struct {
		name     string
		lib      string
		wantPath string
		wantReal string
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, real, ok := Locate(fsys, tt.lib, dirs)
			if p != tt.wantPath || real != tt.wantReal || ok != tt.wantOK {
				t.Errorf("Locate(%q) = %q, %q, %v, want %q, %q, %v", tt.lib, p, real, ok, tt.wantPath, tt.wantReal, tt.wantOK)
			}
		})
	}
}

func TestParseLDSoConf(t *testing.T) {
	tests := []struct {
		name         string
		in           string
		wantDirs     []string
		wantIncludes []string
	}{
		{"amazon linux", "include ld.so.conf.d/*.conf\n", nil, []string{"/etc/ld.so.conf.d/*.conf"}},
		{
			name: "mixed",
			in: "# libraries\n/usr/local/lib\n  /opt/lib/  # trailing comment\n\n" +
				"include /etc/extra.d/*.conf more.d/*.conf\nhwcap 1 nosegneg\n/usr/lib64/mysql\r\n",
			wantDirs:     []string{"/usr/local/lib", "/opt/lib", "/usr/lib64/mysql"},
			wantIncludes: []string{"/etc/extra.d/*.conf", "/etc/more.d/*.conf"},
		},
		{"tab after include", "include\t/etc/a.conf\n", nil, []string{"/etc/a.conf"}},
		{"root", "/\n", []string{"/"}, nil},
		{"empty", "", nil, nil},
		{"comments only", "#include x\n   # /usr/lib\n", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dirs, incs := ParseLDSoConf([]byte(tt.in))
			if !slices.Equal(dirs, tt.wantDirs) || !slices.Equal(incs, tt.wantIncludes) {
				t.Errorf("ParseLDSoConf(%q) = %q, %q, want %q, %q", tt.in, dirs, incs, tt.wantDirs, tt.wantIncludes)
			}
		})
	}
}
