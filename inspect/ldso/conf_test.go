package ldso

import (
	"fmt"
	"slices"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/layer"
)

func TestParseConf(t *testing.T) {
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
			dirs, incs := ParseConf([]byte(tt.in))
			if !slices.Equal(dirs, tt.wantDirs) || !slices.Equal(incs, tt.wantIncludes) {
				t.Errorf("ParseConf(%q) = %q, %q, want %q, %q", tt.in, dirs, incs, tt.wantDirs, tt.wantIncludes)
			}
		})
	}
}

// chain returns ld.so.conf and n files each including the next, the k-th
// naming /lib/k.
func chain(n int) []layer.Entry {
	out := []layer.Entry{textFile("/etc/ld.so.conf", "include /etc/c/1.conf\n")}
	for k := 1; k <= n; k++ {
		out = append(out, textFile(fmt.Sprintf("/etc/c/%d.conf", k), fmt.Sprintf("/lib/%d\ninclude /etc/c/%d.conf\n", k, k+1)))
	}
	return out
}

func TestConfDirs(t *testing.T) {
	var deep []string
	for k := 1; k <= MaxIncludeDepth; k++ {
		deep = append(deep, fmt.Sprintf("/lib/%d", k))
	}
	tests := []struct {
		name  string
		files []layer.Entry
		want  []string
	}{
		{"no ld.so.conf", nil, nil},
		{"amazon linux", []layer.Entry{
			textFile("/etc/ld.so.conf", "include ld.so.conf.d/*.conf\n"),
			textFile("/etc/ld.so.conf.d/mysql.conf", "/usr/lib64/mysql\n"),
			textFile("/etc/ld.so.conf.d/dyninst-x86_64.conf", "/usr/lib64/dyninst\n"),
			textFile("/etc/ld.so.conf.d/README", "/not/a/conf\n"),
		}, []string{"/usr/lib64/dyninst", "/usr/lib64/mysql"}},
		{"several patterns, absolute and relative", []layer.Entry{
			textFile("/etc/ld.so.conf", "/first\ninclude /opt/conf/*.conf local.conf\n"),
			textFile("/opt/conf/b.conf", "/b\n"),
			textFile("/opt/conf/a.conf", "/a\n"),
			textFile("/etc/local.conf", "/usr/local/lib\n"),
		}, []string{"/first", "/a", "/b", "/usr/local/lib"}},
		{"through a symlink", []layer.Entry{
			symlink("/etc/ld.so.conf", "ld.so.conf.real"),
			textFile("/etc/ld.so.conf.real", "/opt/lib\n"),
		}, []string{"/opt/lib"}},
		{"a file included twice is read once", []layer.Entry{
			textFile("/etc/ld.so.conf", "include /etc/x.conf\ninclude /etc/x.conf /etc/ld.so.conf\n"),
			textFile("/etc/x.conf", "/x\n"),
		}, []string{"/x"}},
		{"contents not kept", []layer.Entry{dataFile("/etc/ld.so.conf")}, nil},
		{"include depth bound", chain(MaxIncludeDepth + 3), deep},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := New(newTree(tt.files), "")
			if got := l.ConfDirs(); !slices.Equal(got, tt.want) {
				t.Errorf("ConfDirs() = %q, want %q", got, tt.want)
			}
		})
	}
}
