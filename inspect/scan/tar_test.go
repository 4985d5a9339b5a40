package scan

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/layer"
)

func TestTarEntries(t *testing.T) {
	tests := []struct {
		name    string
		entries []ent
		want    []layer.Entry
	}{
		{
			name: "whiteouts and opaque markers",
			entries: []ent{
				file("etc/.wh.os-release", ""),
				file("./usr/lib64/.wh..wh..opq", ""),
				file(".wh.opt", ""),
				file("usr/.wh..wh.plnk", ""), // other AUFS metadata: ignored
				file("usr/.wh..wh..opq", ""),
			},
			want: []layer.Entry{
				{Path: "/etc/os-release", Kind: layer.Whiteout},
				{Path: "/usr/lib64", Kind: layer.Opaque},
				{Path: "/opt", Kind: layer.Whiteout},
				{Path: "/usr", Kind: layer.Opaque},
			},
		},
		{
			name: "names cleaned",
			entries: []ent{
				symlink("./lib64", "usr/lib64"),
				symlink("/bin", "usr/bin"),
				symlink(".//./usr//lib/../sbin", "bin"),
				dir("./"),
				dir("usr/lib64/"),
			},
			want: []layer.Entry{
				{Path: "/lib64", Kind: layer.Symlink, Mode: 0o777, Link: "usr/lib64"},
				{Path: "/bin", Kind: layer.Symlink, Mode: 0o777, Link: "usr/bin"},
				{Path: "/usr/sbin", Kind: layer.Symlink, Mode: 0o777, Link: "bin"},
				{Path: "/", Kind: layer.Dir, Mode: 0o755},
				{Path: "/usr/lib64", Kind: layer.Dir, Mode: 0o755},
			},
		},
		{
			name: "trees and library directories",
			entries: []ent{
				dir("usr"), dir("usr/share"), dir("usr/local/lib64"), dir("lib"),
				dir("var/lang"), dir("var/lang/lib"), dir("opt"), dir("optional"),
				file("opt/bin/tool.sh", "#!/bin/sh\n"),
				file("usr/share/doc/README", "not kept"),
				file("var/langs/x", "not kept"),
			},
			want: []layer.Entry{
				// /usr holds watched places: a later layer replacing it must be seen.
				{Path: "/usr", Kind: layer.Dir, Mode: 0o755},
				{Path: "/usr/local/lib64", Kind: layer.Dir, Mode: 0o755},
				{Path: "/lib", Kind: layer.Dir, Mode: 0o755},
				{Path: "/var/lang", Kind: layer.Dir, Mode: 0o755},
				{Path: "/var/lang/lib", Kind: layer.Dir, Mode: 0o755},
				{Path: "/opt", Kind: layer.Dir, Mode: 0o755},
				{Path: "/opt/bin/tool.sh", Kind: layer.File, Mode: 0o644, Size: 10, Fingerprint: fp("#!/bin/sh\n")},
			},
		},
		{
			name: "text files",
			entries: []ent{
				file("usr/lib/os-release", "ID=amzn\nVERSION_ID=\"2023\"\n"),
				symlink("etc/os-release", "../usr/lib/os-release"),
				file("etc/system-release", "Amazon Linux release 2023\n"),
				file("etc/ld.so.conf", "include ld.so.conf.d/*.conf\n"),
				file("etc/ld.so.conf.d/mysql.conf", "/usr/lib64/mysql\n"),
				file("etc/ld.so.conf.d/sub/deeper.conf", "not kept\n"),
				file("etc/hosts", "not kept\n"),
			},
			want: []layer.Entry{
				{Path: "/usr/lib/os-release", Kind: layer.File, Mode: 0o644, Size: 26, Data: []byte("ID=amzn\nVERSION_ID=\"2023\"\n")},
				{Path: "/etc/os-release", Kind: layer.Symlink, Mode: 0o777, Link: "../usr/lib/os-release"},
				{Path: "/etc/system-release", Kind: layer.File, Mode: 0o644, Size: 26, Data: []byte("Amazon Linux release 2023\n")},
				{Path: "/etc/ld.so.conf", Kind: layer.File, Mode: 0o644, Size: 28, Data: []byte("include ld.so.conf.d/*.conf\n")},
				{Path: "/etc/ld.so.conf.d/mysql.conf", Kind: layer.File, Mode: 0o644, Size: 17, Data: []byte("/usr/lib64/mysql\n")},
			},
		},
		{
			name: "shared library names",
			entries: []ent{
				file("usr/lib64/libc.so.6", "c"),
				file("lib64/ld-linux-x86-64.so.2", "ld"),
				file("usr/lib64/libz.so", "z"),
				file("usr/lib64/libstdc++.so.6.0.29-gdb.py", "not kept"),
				file("usr/lib64/libfoo.so.", "not kept"),
				file("usr/lib64/.so", "not kept"),
				file("usr/lib64/libx.so.1.so.2", "x"),
			},
			want: []layer.Entry{
				{Path: "/usr/lib64/libc.so.6", Kind: layer.File, Mode: 0o644, Size: 1, Fingerprint: fp("c")},
				{Path: "/lib64/ld-linux-x86-64.so.2", Kind: layer.File, Mode: 0o644, Size: 2, Fingerprint: fp("ld")},
				{Path: "/usr/lib64/libz.so", Kind: layer.File, Mode: 0o644, Size: 1, Fingerprint: fp("z")},
				{Path: "/usr/lib64/libx.so.1.so.2", Kind: layer.File, Mode: 0o644, Size: 1, Fingerprint: fp("x")},
			},
		},
		{
			name: "same path twice kept in order",
			entries: []ent{
				file("var/lang/a", "1"),
				file("var/lang/a", "22"),
			},
			want: []layer.Entry{
				{Path: "/var/lang/a", Kind: layer.File, Mode: 0o644, Size: 1, Fingerprint: fp("1")},
				{Path: "/var/lang/a", Kind: layer.File, Mode: 0o644, Size: 2, Fingerprint: fp("22")},
			},
		},
		{
			name: "hardlinks bound to the file they name",
			entries: []ent{
				file("var/lang/bin/node", "program"),
				hardlink("var/lang/bin/nodejs", "var/lang/bin/node"),
				hardlink("/usr/bin/node", "./var/lang/bin/nodejs"),
				file("usr/bin/git", "not kept"),
				hardlink("usr/libexec/git-core/git", "usr/bin/git"),
			},
			want: []layer.Entry{
				{Path: "/var/lang/bin/node", Kind: layer.File, Mode: 0o644, Size: 7, Fingerprint: fp("program")},
				{Path: "/var/lang/bin/nodejs", Kind: layer.File, Mode: 0o644, Size: 7, Fingerprint: fp("program"), Link: "/var/lang/bin/node"},
				{Path: "/usr/bin/node", Kind: layer.File, Mode: 0o644, Size: 7, Fingerprint: fp("program"), Link: "/var/lang/bin/nodejs"},
				{Path: "/usr/libexec/git-core/git", Kind: layer.Hardlink, Mode: 0o644, Link: "/usr/bin/git"},
			},
		},
		{
			name: "devices and fifos ignored",
			entries: []ent{
				{name: "var/lang/dev/null", typ: tar.TypeChar},
				{name: "opt/fifo", typ: tar.TypeFifo},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx := scanTar(t, makeTar(t, tt.entries...))
			if !reflect.DeepEqual(idx.Entries, tt.want) {
				t.Errorf("Tar() entries =\n%s\nwant\n%s", dump(idx.Entries), dump(tt.want))
			}
			if idx.Files != int64(len(tt.entries)) {
				t.Errorf("Tar() Files = %d, want %d", idx.Files, len(tt.entries))
			}
			if len(idx.Warnings) != 0 {
				t.Errorf("Tar() Warnings = %q, want none", idx.Warnings)
			}
		})
	}
}

func dump(es []layer.Entry) string {
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "\t%s %s mode=%o size=%d", e.Path, e.Kind, e.Mode, e.Size)
		if e.Link != "" {
			fmt.Fprintf(&b, " link=%s", e.Link)
		}
		if e.Fingerprint != "" {
			fmt.Fprintf(&b, " %s", e.Fingerprint[:13])
		}
		if e.Data != nil {
			fmt.Fprintf(&b, " data=%q", e.Data)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestTarWarnings(t *testing.T) {
	tests := []struct {
		name    string
		entries []ent
		want    []layer.Entry
		warning string
	}{
		{
			name:    "parent escape",
			entries: []ent{file("../../etc/passwd", "root"), file("var/lang/ok", "")},
			want:    []layer.Entry{{Path: "/var/lang/ok", Kind: layer.File, Mode: 0o644, Fingerprint: fp("")}},
			warning: `ignoring entry "../../etc/passwd": path escapes the layer root`,
		},
		{
			name:    "escape in the middle",
			entries: []ent{symlink("var/lang/../../../x", "/etc")},
			warning: `ignoring entry "var/lang/../../../x": path escapes the layer root`,
		},
		{
			name:    "hardlink target escapes",
			entries: []ent{hardlink("var/lang/x", "../../etc/shadow")},
			warning: `ignoring hardlink "var/lang/x": target "../../etc/shadow" escapes the layer root`,
		},
		{
			name:    "hardlink to a missing name",
			entries: []ent{hardlink("usr/lib64/libssl.so.3", "usr/lib64/libssl.so.3.0.8")},
			want:    []layer.Entry{{Path: "/usr/lib64/libssl.so.3", Kind: layer.Hardlink, Mode: 0o644, Link: "/usr/lib64/libssl.so.3.0.8"}},
			warning: `hardlink "/usr/lib64/libssl.so.3" names "/usr/lib64/libssl.so.3.0.8", which is not a file kept from this layer: no facts for it`,
		},
		{
			name:    "whiteout of nothing",
			entries: []ent{file("var/.wh..", "")},
			warning: `ignoring whiteout "var/.wh..": it names no entry`,
		},
		{
			name:    "text file too large",
			entries: []ent{file("etc/os-release", strings.Repeat("x", MaxTextSize+1))},
			want:    []layer.Entry{{Path: "/etc/os-release", Kind: layer.File, Mode: 0o644, Size: MaxTextSize + 1}},
			warning: `keeping no contents of "/etc/os-release": 65537 bytes is more than 65536`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx := scanTar(t, makeTar(t, tt.entries...))
			if !reflect.DeepEqual(idx.Entries, tt.want) {
				t.Errorf("Tar() entries =\n%s\nwant\n%s", dump(idx.Entries), dump(tt.want))
			}
			if !slices.Equal(idx.Warnings, []string{tt.warning}) {
				t.Errorf("Tar() Warnings = %q, want [%q]", idx.Warnings, tt.warning)
			}
		})
	}
}

func TestTarWarningsBounded(t *testing.T) {
	var entries []ent
	for range MaxWarnings + 5 {
		entries = append(entries, file("../x", ""))
	}
	idx := scanTar(t, makeTar(t, entries...))
	if len(idx.Warnings) != MaxWarnings+1 || idx.Warnings[MaxWarnings] != "5 more warnings left out" {
		t.Errorf("Tar() has %d warnings ending with %q, want %d ending with %q",
			len(idx.Warnings), idx.Warnings[len(idx.Warnings)-1], MaxWarnings+1, "5 more warnings left out")
	}
}

func TestTarTruncated(t *testing.T) {
	archive := makeTar(t, file("var/lang/a", strings.Repeat("a", 3000)), file("var/lang/b", "b"))
	second := 512 + 3072 // offset of the second header
	tests := []struct {
		name string
		size int
	}{
		{"empty", 0},
		{"inside the first header", 100},
		{"inside contents", 2000},
		{"at an entry boundary", second},
		{"inside the end marker", len(archive) - 1024 + 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Tar(bytes.NewReader(archive[:tt.size]), Options{TempDir: t.TempDir()})
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("Tar(first %d bytes) error = %v, want io.ErrUnexpectedEOF", tt.size, err)
			}
		})
	}
	if _, err := Tar(bytes.NewReader(archive), Options{}); err != nil {
		t.Errorf("Tar(whole archive) error = %v, want nil", err)
	}
}

func TestTarProgress(t *testing.T) {
	archive := makeTar(t, file("opt/big", strings.Repeat("z", 300<<10)))
	var calls []int64
	idx, err := Tar(bytes.NewReader(archive), Options{Progress: func(n int64) { calls = append(calls, n) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) < 4 || calls[len(calls)-1] != int64(len(archive)) || !slices.IsSorted(calls) {
		t.Errorf("Progress calls = %v, want at least 4, increasing, ending with %d", calls, len(archive))
	}
	if idx.Size != int64(len(archive)) {
		t.Errorf("Size = %d, want %d", idx.Size, len(archive))
	}
}

// sparseBomb returns a tar archive of a few blocks holding a GNU 1.0 sparse
// file whose holes make it 1 EiB long.
func sparseBomb(t testing.TB) []byte {
	var records string
	for _, kv := range [][2]string{{"GNU.sparse.major", "1"}, {"GNU.sparse.minor", "0"}, {"GNU.sparse.name", "var/lang/bomb"}, {"GNU.sparse.realsize", "1152921504606846976"}} {
		rec := " " + kv[0] + "=" + kv[1] + "\n"
		n := len(rec) + 1
		for len(fmt.Sprint(n))+len(rec) != n {
			n++
		}
		records += fmt.Sprint(n) + rec
	}
	archive := makeTar(t, file("PaxHeaders/bomb", records), file("GNUSparseFile/bomb", "0\n"+strings.Repeat("\x00", 510)))
	// Make the first entry a PAX extended header: type 'x', new checksum.
	hdr := archive[:blockSize]
	hdr[156] = tar.TypeXHeader
	copy(hdr[148:156], "        ")
	sum := 0
	for _, c := range hdr {
		sum += int(c)
	}
	copy(hdr[148:156], fmt.Sprintf("%06o\x00 ", sum))
	return archive
}

func TestSparseBomb(t *testing.T) {
	archive := sparseBomb(t)
	hdr, err := tar.NewReader(bytes.NewReader(archive)).Next()
	if err != nil || hdr.Size != 1<<60 || hdr.Name != "var/lang/bomb" {
		t.Fatalf("fixture is not a sparse file of 1 EiB: %+v, %v", hdr, err)
	}
	idx := scanTar(t, archive)
	if len(idx.Entries) != 0 || !slices.Equal(idx.Warnings, []string{`ignoring sparse file "var/lang/bomb"`}) {
		t.Errorf("Tar(sparse bomb) = %+v, warnings %q, want no entry and one warning", idx.Entries, idx.Warnings)
	}
}
