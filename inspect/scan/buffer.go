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
//
// On Linux the buffers are mapped outside the Go heap, with transparent
// huge pages asked for. On the heap, two buffers made the garbage
// collector count 32 MiB of live memory, most of it never touched, and set
// its goal so high that a cold scan never collected: every allocation of
// the scan was fresh memory. And a buffer in huge pages is faulted in 2 MiB
// at a time. Together: 12.6k → 4.8k page faults and 63 → 49 MB of peak
// memory for a cold inspect of the 512 MiB synthetic image.
const maxIdle = 2

// buffer is a reusable ELF buffer.
type buffer struct {
	b      []byte
	mapped bool // b is mapped outside the heap and unmapped when let go
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
	b, mapped := newBufferBytes(MaxELFMemory)
	return &buffer{b: b, mapped: mapped}
}

// putBuffer gives back a buffer getBuffer returned; beyond maxIdle idle
// buffers, it is let go. Nothing may use b.b afterwards.
func putBuffer(b *buffer) {
	buffers.mu.Lock()
	if len(buffers.idle) < maxIdle {
		buffers.idle = append(buffers.idle, b)
		buffers.mu.Unlock()
		return
	}
	buffers.mu.Unlock()
	if b.mapped {
		unmapBufferBytes(b.b)
	}
	b.b = nil
}
