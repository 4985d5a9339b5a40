package scan

import (
	"strings"
	"testing"
)

func TestVersionFinder(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain", "abc node/v20.18.1\x00def", "v20.18.1"},
		{"first of two", "node/v18.20.4 node/v20.18.1 ", "v18.20.4"},
		{"at the very end", "xx node/v22.11.0", "v22.11.0"},
		{"incomplete then complete", "node/v20.1 node/vx node/v1.2.3.", "v1.2.3"},
		{"two parts only", "node/v20.18\x00", ""},
		{"no digits", "node/v.1.2 ", ""},
		{"too long", "node/v" + strings.Repeat("1", 40) + ".1.1 ", ""},
		{"none", strings.Repeat("node/", 30), ""},
		{"needle overlapping", "nnode/node/v1.0.0!", "v1.0.0"},
		{"headers URL", "https://nodejs.org/download/release/v20.18.1/node-v20.18.1-headers.tar.gz", "v20.18.1"},
		{"first of either needle", "node-v18.20.4 node/v20.18.1 ", "v18.20.4"},
		{"first of either needle, other order", "node/v20.18.1 node-v18.20.4 ", "v20.18.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Every split in two chunks, and one byte at a time.
			for i := 0; i <= len(tt.in); i++ {
				var f versionFinder
				f.Write([]byte(tt.in[:i]))
				f.Write([]byte(tt.in[i:]))
				if got := f.Version(); got != tt.want {
					t.Fatalf("Version() after writing %q and %q = %q, want %q", tt.in[:i], tt.in[i:], got, tt.want)
				}
			}
			var f versionFinder
			for i := range len(tt.in) {
				f.Write([]byte{tt.in[i]})
			}
			if got := f.Version(); got != tt.want {
				t.Errorf("Version() after writing %q byte by byte = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestNodeVersionAcrossReads checks the release string split between two
// reads of the file contents.
func TestNodeVersionAcrossReads(t *testing.T) {
	const release = "node/v20.18.1"
	for _, at := range []int{chunkSize - 1, chunkSize - 6, chunkSize - 9, chunkSize} {
		body := "\x7fELF" + strings.Repeat("\x00", at-4) + release + "\x00tail"
		idx := scanTar(t, makeTar(t, file("var/lang/bin/node", body), file("var/lang/bin/node-bin", body), file("opt/bin/other", body)))
		if es := find(idx, "/var/lang/bin/node"); len(es) != 1 || es[0].Version != "v20.18.1" {
			t.Errorf("Version of node with the release at %d = %+v, want v20.18.1", at, es)
		}
		// A hard link may make another name of /var/lang/bin the file itself.
		if es := find(idx, "/var/lang/bin/node-bin"); len(es) != 1 || es[0].Version != "v20.18.1" {
			t.Errorf("Version of another program of /var/lang/bin = %+v, want v20.18.1", es)
		}
		if es := find(idx, "/opt/bin/other"); len(es) != 1 || es[0].Version != "" {
			t.Errorf("Version of a program elsewhere, not named node = %+v, want none", es)
		}
	}
}
