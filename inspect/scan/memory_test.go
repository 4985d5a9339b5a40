package scan

import (
	"runtime"
	"testing"
)

// TestBoundedMemory scans 2 GiB files of zeros, produced as they are read,
// and checks that the scan allocates far less than that.
func TestBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 2 GiB twice")
	}
	const size = 2 << 30
	const limit = 100 << 20
	tests := []struct {
		name string
		path string
		head []byte
	}{
		{"not of interest", "usr/share/zeros", nil},
		{"hashed under /var/lang", "var/lang/zeros", nil},
		{"ELF under /opt", "opt/zeros.so", []byte("\x7fELF\x02\x01\x01")},
		{"text file of interest", "etc/os-release", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			r := stream(t, tt.path, size, tt.head)
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			idx, err := Tar(r, Options{TempDir: tmp})
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			assertEmpty(t, tmp)
			if grew := after.TotalAlloc - before.TotalAlloc; grew > limit {
				t.Errorf("Tar() of a %d-byte file allocated %d bytes, want under %d", size, grew, limit)
			}
			if after.HeapInuse > before.HeapInuse+limit {
				t.Errorf("Tar() of a %d-byte file grew the heap in use from %d to %d bytes, want under %d more", size, before.HeapInuse, after.HeapInuse, limit)
			}
			if idx.Size < size {
				t.Errorf("Tar() Size = %d, want at least %d", idx.Size, size)
			}
		})
	}
}
