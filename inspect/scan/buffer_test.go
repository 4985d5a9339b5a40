package scan

import "testing"

// A buffer given back is the one handed out next, whole; no more than
// maxIdle are kept.
func TestBuffersAreReused(t *testing.T) {
	var out []*buffer
	for range maxIdle + 1 {
		b := getBuffer()
		if len(b.b) != MaxELFMemory {
			t.Fatalf("getBuffer() has %d bytes, want %d", len(b.b), MaxELFMemory)
		}
		out = append(out, b)
	}
	for _, b := range out {
		putBuffer(b)
	}
	seen := map[*buffer]bool{}
	for range maxIdle {
		b := getBuffer()
		seen[b] = true
		if b != out[0] && b != out[1] {
			t.Errorf("getBuffer() after putBuffer = a new buffer, want one given back")
		}
	}
	if len(seen) != maxIdle {
		t.Errorf("got %d distinct idle buffers, want %d", len(seen), maxIdle)
	}
	if out[2].b != nil {
		t.Errorf("a buffer let go still holds its %d bytes", len(out[2].b))
	}
	if b := getBuffer(); b == out[0] || b == out[1] || b == out[2] {
		t.Errorf("getBuffer() with none idle = a buffer still handed out")
	}
}
