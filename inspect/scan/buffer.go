package scan

import "sync"

// ELF files are buffered in memory in buffers reused across files and
// scans: a new buffer costs more than the copy into it, since fresh memory
// is faulted in page by page. Every buffer holds MaxELFMemory bytes, so any
// idle one serves any file, and only the pages written to are ever faulted
// in: a large buffer used for small files costs no more memory than a
// small one. What stays resident is the most a buffer ever held, its
// high-water mark, which the memory budget counts (see startELF). Up to
// maxIdle buffers stay for the whole process: a sync.Pool of power-of-two
// sizes, which the garbage collector empties, let a third of the bytes of
// a scan's ELF files land in fresh pages.
const maxIdle = 2

// buffer is a reusable ELF buffer.
type buffer struct {
	b []byte
	// used is the most bytes b has held: its pages are resident.
	used int64
}

// buffers are the idle buffers.
var buffers struct {
	mu   sync.Mutex
	idle []*buffer
}

// getBuffer returns a buffer of MaxELFMemory bytes.
func getBuffer() *buffer {
	buffers.mu.Lock()
	if n := len(buffers.idle); n > 0 {
		b := buffers.idle[n-1]
		buffers.idle = buffers.idle[:n-1]
		buffers.mu.Unlock()
		return b
	}
	buffers.mu.Unlock()
	return &buffer{b: make([]byte, MaxELFMemory)}
}

// putBuffer gives back a buffer getBuffer returned; beyond maxIdle idle
// buffers, it is let go.
func putBuffer(b *buffer) {
	buffers.mu.Lock()
	defer buffers.mu.Unlock()
	if len(buffers.idle) < maxIdle {
		buffers.idle = append(buffers.idle, b)
	}
}
