package scan

import "testing"

func TestBufferClass(t *testing.T) {
	if got := int64(1) << maxBufferClass; got != MaxELFMemory {
		t.Fatalf("1<<maxBufferClass = %d, want MaxELFMemory %d", got, MaxELFMemory)
	}
	tests := []struct {
		n    int64
		want int
	}{
		{0, minBufferClass},
		{1, minBufferClass},
		{64 << 10, 16},
		{64<<10 + 1, 17},
		{MaxELFMemory, maxBufferClass},
	}
	for _, tt := range tests {
		if got := bufferClass(tt.n); got != tt.want {
			t.Errorf("bufferClass(%d) = %d, want %d", tt.n, got, tt.want)
		}
		b := getBuffer(tt.n)
		if int64(len(*b)) < tt.n {
			t.Errorf("getBuffer(%d) has %d bytes", tt.n, len(*b))
		}
		putBuffer(b)
	}
}
