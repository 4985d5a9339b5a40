package scan

import (
	"math/bits"
	"sync"
)

// ELF files are buffered in memory in buffers reused across files and
// scans: a new buffer per file costs more than the copy into it, as fresh
// memory is zeroed and faulted in page by page. The buffers come in
// power-of-two sizes from minBufferClass to MaxELFMemory; a pool keeps
// them only until the garbage collector runs twice.
const (
	minBufferClass = 16 // 64 KiB
	maxBufferClass = 24 // 16 MiB, MaxELFMemory
)

var bufferPools [maxBufferClass + 1]sync.Pool

// bufferClass returns the class of the smallest buffer that holds n bytes.
func bufferClass(n int64) int {
	return max(minBufferClass, bits.Len64(uint64(max(n, 1)-1)))
}

// getBuffer returns a buffer of at least n bytes, n ≤ MaxELFMemory.
func getBuffer(n int64) *[]byte {
	c := bufferClass(n)
	if b, ok := bufferPools[c].Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 1<<c)
	return &b
}

// putBuffer gives back a buffer getBuffer returned.
func putBuffer(b *[]byte) {
	bufferPools[bufferClass(int64(cap(*b)))].Put(b)
}
