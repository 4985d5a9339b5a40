//go:build !linux

package scan

// newBufferBytes allocates n bytes on the heap; only Linux maps buffers
// outside it.
func newBufferBytes(n int) ([]byte, bool) { return make([]byte, n), false }

// unmapBufferBytes is never called: no buffer is mapped.
func unmapBufferBytes([]byte) {}
