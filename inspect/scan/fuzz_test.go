package scan

import (
	"bytes"
	"path"
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/layer"
)

// FuzzTar scans arbitrary bytes as a tar stream: it must not panic, and
// every entry kept must have an absolute, clean path without "..". Fuzz
// it with a short -fuzzminimizetime (5s): minimizing each new input the
// seeds lead to takes the default minute, and looks like a hang.
func FuzzTar(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 1024))
	f.Add(makeTar(f,
		file("../../etc/passwd", "root"),
		file("var/lang/bin/node", "\x7fELF node/v20.18.1"),
		hardlink("var/lang/bin/nodejs", "var/lang/bin/node"),
		hardlink("usr/lib64/libx.so.1", "../x"),
		symlink("lib64", "usr/lib64"),
		file("usr/lib64/.wh..wh..opq", ""),
		file("etc/.wh.os-release", ""),
		file(".wh..", ""),
		file("etc/os-release", "ID=amzn\n"),
		dir("opt/"),
	))
	f.Add(makeTar(f, file("./a/../../b", ""), file("/./var/lang/../lang/x.so.1", "\x7fELF")))
	f.Add(sparseBomb(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		tmp := t.TempDir()
		idx, err := Tar(bytes.NewReader(data), Options{TempDir: tmp})
		assertEmpty(t, tmp)
		if err != nil {
			return
		}
		for _, e := range idx.Entries {
			if !path.IsAbs(e.Path) || path.Clean(e.Path) != e.Path || strings.Contains("/"+e.Path+"/", "/../") {
				t.Errorf("entry path %q is not absolute, clean and free of ..", e.Path)
			}
			if e.Kind == layer.Hardlink || e.Link != "" && e.Kind == layer.File {
				if !path.IsAbs(e.Link) || path.Clean(e.Link) != e.Link {
					t.Errorf("hardlink target %q of %q is not absolute and clean", e.Link, e.Path)
				}
			}
			if len(e.Data) > MaxTextSize {
				t.Errorf("entry %q keeps %d bytes of data, more than %d", e.Path, len(e.Data), MaxTextSize)
			}
		}
	})
}
