package scan

import "syscall"

// newBufferBytes maps n bytes of memory outside the Go heap and asks for
// transparent huge pages on them; it reports false when it could not map
// them and allocated them on the heap instead.
func newBufferBytes(n int) ([]byte, bool) {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return make([]byte, n), false
	}
	// Only advice: a kernel without transparent huge pages refuses it,
	// and the buffer is faulted in page by page as before.
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE)
	return b, true
}

// unmapBufferBytes gives back memory newBufferBytes mapped.
func unmapBufferBytes(b []byte) { _ = syscall.Munmap(b) }
