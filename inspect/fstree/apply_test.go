package fstree

import (
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"github.com/zeebo/xxh3"

	"github.com/sammatrix/sammatrix/inspect/layer"
)

// fp is the fingerprint the scanner gives a file of contents s (of at most
// 64 KiB, hashed whole).
func fp(s string) string {
	sum := xxh3.Hash128([]byte(s)).Bytes()
	return "xxh3-64k:" + hex.EncodeToString(sum[:])
}

func TestApply(t *testing.T) {
	tests := []struct {
		name   string
		layers [][]ent
		want   []string
	}{
		{
			name: "whiteout removes a file and a directory with its subtree",
			layers: [][]ent{
				{file("var/lang/bin/node", "n"), symlink("var/lang/bin/npm", "x"), file("var/lang/lib/a.so", "a"), file("var/lang/lib/sub/b.so", "b")},
				{whiteout("var/lang/bin/.wh.node"), whiteout("var/lang/.wh.lib")},
			},
			want: []string{"/var dir 0", "/var/lang dir 0", "/var/lang/bin dir 0", "/var/lang/bin/npm symlink 0"},
		},
		{
			name: "whiteout removes lower entries only, wherever it is in the archive",
			layers: [][]ent{
				{file("opt/a", "old"), file("opt/b", "old")},
				{file("opt/a", "new"), whiteout("opt/.wh.a"), whiteout("opt/.wh.b")},
			},
			want: []string{"/opt dir 0", "/opt/a file 1"},
		},
		{
			name: "whiteout of something absent changes nothing",
			layers: [][]ent{
				{file("opt/a", "a")},
				{whiteout("opt/.wh.zzz"), whiteout("nowhere/.wh.x")},
			},
			want: []string{"/opt dir 0", "/opt/a file 0"},
		},
		{
			name: "opaque directory hides lower children, keeps its own before and after the marker",
			layers: [][]ent{
				{file("opt/old/x", "x"), file("opt/keep", "k"), file("var/lang/y", "y")},
				{dir("opt/"), file("opt/new1", "1"), whiteout("opt/.wh..wh..opq"), file("opt/new2", "2")},
			},
			want: []string{"/opt dir 1", "/opt/new1 file 1", "/opt/new2 file 1", "/var dir 0", "/var/lang dir 0", "/var/lang/y file 0"},
		},
		{
			name: "file replaced by a file",
			layers: [][]ent{
				{file("var/lang/a", "1")},
				{file("var/lang/a", "2")},
			},
			want: []string{"/var dir 0", "/var/lang dir 0", "/var/lang/a file 1"},
		},
		{
			name: "directory replaced by a file loses its subtree",
			layers: [][]ent{
				{file("var/lang/d/x", "x"), file("var/lang/d/e/y", "y")},
				{file("var/lang/d", "now a file")},
			},
			want: []string{"/var dir 0", "/var/lang dir 0", "/var/lang/d file 1"},
		},
		{
			name: "file replaced by a directory",
			layers: [][]ent{
				{file("var/lang/d", "file")},
				{dir("var/lang/d/"), file("var/lang/d/z", "z")},
			},
			want: []string{"/var dir 0", "/var/lang dir 0", "/var/lang/d dir 1", "/var/lang/d/z file 1"},
		},
		{
			name: "directory over a directory keeps the children",
			layers: [][]ent{
				{dir("var/lang/"), file("var/lang/a", "a")},
				{dir("var/lang/")},
			},
			want: []string{"/var dir 0", "/var/lang dir 1", "/var/lang/a file 0"},
		},
		{
			name: "symlink replaces a directory",
			layers: [][]ent{
				{file("usr/lib64/libc.so.6", "c")},
				{symlink("usr/lib64", "../lib64")},
			},
			want: []string{"/usr dir 0", "/usr/lib64 symlink 1"},
		},
		{
			name: "paths applied literally, not through a lower symlink",
			layers: [][]ent{
				{symlink("lib64", "usr/lib64"), file("usr/lib64/libc.so.6", "c")},
				{file("lib64/libfoo.so.1", "f")},
			},
			want: []string{"/lib64 dir 1", "/lib64/libfoo.so.1 file 1", "/usr dir 0", "/usr/lib64 dir 0", "/usr/lib64/libc.so.6 file 0"},
		},
		{
			name: "same path twice in one layer: the later wins",
			layers: [][]ent{
				{symlink("opt/x", "a"), file("opt/x", "b")},
			},
			want: []string{"/opt dir 0", "/opt/x file 0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := paths(t, image(t, tt.layers...))
			if !slices.Equal(got, tt.want) {
				t.Errorf("tree after Apply =\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(tt.want, "\n\t"))
			}
		})
	}
}

func TestApplyLaterContents(t *testing.T) {
	tree := image(t,
		[]ent{file("var/lang/a", "1")},
		[]ent{file("var/lang/a", "22"), file("var/lang/a", "333")},
	)
	n, ok := tree.Lookup("/var/lang/a")
	if !ok || n.Entry.Fingerprint != fp("333") || n.Layer != 1 {
		t.Errorf("Lookup(/var/lang/a) = %+v, want the last file of layer 1", n)
	}
}

func TestHardlinkSurvivesWhiteout(t *testing.T) {
	tree := image(t,
		[]ent{file("usr/lib64/libfoo.so.1.0", "lib"), hardlink("usr/lib64/libfoo.so.1", "usr/lib64/libfoo.so.1.0")},
		[]ent{whiteout("usr/lib64/.wh.libfoo.so.1.0")},
	)
	if _, ok := tree.Lookup("/usr/lib64/libfoo.so.1.0"); ok {
		t.Errorf("Lookup(/usr/lib64/libfoo.so.1.0) found it, want it removed")
	}
	n, ok := tree.Lookup("/usr/lib64/libfoo.so.1")
	if !ok {
		t.Fatalf("Lookup(/usr/lib64/libfoo.so.1) found nothing, want the hardlink")
	}
	if n.Entry.Kind != layer.File || n.Entry.Fingerprint != fp("lib") || n.Entry.Size != 3 || n.Entry.Link != "/usr/lib64/libfoo.so.1.0" {
		t.Errorf("Lookup(/usr/lib64/libfoo.so.1) = %+v, want a file with the facts of libfoo.so.1.0", *n.Entry)
	}
}

func TestHardlinkMissing(t *testing.T) {
	idx := scanLayer(t, hardlink("var/lang/bin/node", "var/lang/bin/missing"))
	if len(idx.Warnings) != 1 {
		t.Errorf("scan warnings = %q, want one", idx.Warnings)
	}
	tree := New()
	tree.Apply(0, idx)
	n, ok := tree.Lookup("/var/lang/bin/node")
	if !ok || n.Entry.Kind != layer.File || n.Entry.Fingerprint != "" || n.Entry.Link != "/var/lang/bin/missing" {
		t.Errorf("Lookup(/var/lang/bin/node) = %+v, want a file without facts", n)
	}
	if idx.Entries[0].Kind != layer.Hardlink {
		t.Errorf("Apply changed the index: entry kind %q, want hardlink", idx.Entries[0].Kind)
	}
}
