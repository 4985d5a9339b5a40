package ldso

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/elfabi"
	"github.com/sammatrix/sammatrix/inspect/fstree"
	"github.com/sammatrix/sammatrix/inspect/layer"
)

// elfInputs is the directory of the committed ELF inputs, built with gcc
// (see testdata/fixtures/expect.json for what each defines and needs).
var elfInputs = filepath.Join("..", "..", "testdata", "fixtures", "elf")

// elfFile returns a file at dst with the ELF facts of the input src, e.g.
// "node20/libssl.so.3", as a layer scan records them.
func elfFile(t *testing.T, src, dst string) layer.Entry {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(elfInputs, filepath.FromSlash(src)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := elfabi.Read(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("elfabi.Read(%s) error: %v", src, err)
	}
	return layer.Entry{Path: dst, Kind: layer.File, Size: int64(len(b)), ELF: f}
}

// textFile returns a file at p whose contents the scan kept.
func textFile(p, data string) layer.Entry {
	return layer.Entry{Path: p, Kind: layer.File, Size: int64(len(data)), Data: []byte(data)}
}

// objectFile returns a file at p with the ELF facts f.
func objectFile(p string, f elfabi.File) layer.Entry {
	return layer.Entry{Path: p, Kind: layer.File, ELF: &f}
}

// dataFile returns a file at p with neither contents nor ELF facts.
func dataFile(p string) layer.Entry { return layer.Entry{Path: p, Kind: layer.File} }

func dir(p string) layer.Entry { return layer.Entry{Path: p, Kind: layer.Dir} }

func symlink(p, target string) layer.Entry {
	return layer.Entry{Path: p, Kind: layer.Symlink, Link: target}
}

// newTree applies one layer per list of entries to a new tree.
func newTree(layers ...[]layer.Entry) *fstree.Tree {
	t := fstree.New()
	for i, entries := range layers {
		t.Apply(i, &layer.Index{Entries: entries})
	}
	return t
}

// amazonLinux returns an AL2023 OS layer: its C and C++ libraries in
// /usr/lib64, /lib64 a link to it, and no OpenSSL (see systemSSL).
func amazonLinux(t *testing.T) []layer.Entry {
	return []layer.Entry{
		symlink("/lib64", "usr/lib64"),
		textFile("/etc/os-release", "ID=\"amzn\"\nVERSION_ID=\"2023\"\n"),
		symlink("/usr/lib64/libstdc++.so.6", "libstdc++.so.6.0.29"),
		elfFile(t, "al2023/libstdc++.so.6.0.29", "/usr/lib64/libstdc++.so.6.0.29"),
		elfFile(t, "al2023/libc.so.6", "/usr/lib64/libc.so.6"),
		elfFile(t, "al2023/libm.so.6", "/usr/lib64/libm.so.6"),
		elfFile(t, "al2023/libgcc_s.so.1", "/usr/lib64/libgcc_s.so.1"),
	}
}

// systemSSL returns the AL2023 system OpenSSL (OPENSSL_3.0.0 only), as
// /usr/lib64/lib{ssl,crypto}.so.3 links to the 3.0.8 files.
func systemSSL(t *testing.T) []layer.Entry {
	var out []layer.Entry
	for _, lib := range []string{"libssl", "libcrypto"} {
		out = append(out,
			elfFile(t, "al2023/"+lib+".so.3", "/usr/lib64/"+lib+".so.3.0.8"),
			symlink("/usr/lib64/"+lib+".so.3", lib+".so.3.0.8"))
	}
	return out
}

// node20 returns /var/lang/bin/node (RUNPATH $ORIGIN/../lib) and its
// OpenSSL, which defines OPENSSL_3.4.0, in /var/lang/lib.
func node20(t *testing.T) []layer.Entry {
	return []layer.Entry{
		elfFile(t, "node20/node", "/var/lang/bin/node"),
		elfFile(t, "node20/libssl.so.3", "/var/lang/lib/libssl.so.3"),
		elfFile(t, "node20/libcrypto.so.3", "/var/lang/lib/libcrypto.so.3"),
	}
}
