package scan

import (
	"errors"
	"io"
)

// readAheadBuffers is the number of buffers a readAhead rotates, and
// readAheadBufferSize their size: enough for the decompressor to run a few
// reads ahead of the scan without stopping.
const (
	readAheadBuffers    = 4
	readAheadBufferSize = 256 << 10
)

// errReadAheadStopped ends the goroutine of a readAhead stopped early.
var errReadAheadStopped = errors.New("read-ahead stopped")

// readAhead reads r (a decompressor) on its own goroutine, a few buffers
// ahead of its reader (the tar scan), so that with a CPU to spare the
// decompression of a layer and the scan of what came out of it run side by
// side. What r returns, data and then its error, comes out in order.
// stop must be called before anything else reads from what r reads from.
type readAhead struct {
	free chan []byte // buffers to read into
	full chan []byte // buffers read, in order; closed after the last
	quit chan struct{}
	done chan struct{}
	err  error  // r's error, set before full is closed
	buf  []byte // being read from: its rest is cur
	cur  []byte
}

func newReadAhead(r io.Reader) *readAhead {
	ra := &readAhead{
		free: make(chan []byte, readAheadBuffers),
		full: make(chan []byte, readAheadBuffers),
		quit: make(chan struct{}),
		done: make(chan struct{}),
	}
	for range readAheadBuffers {
		ra.free <- make([]byte, readAheadBufferSize)
	}
	go func() {
		defer close(ra.done)
		defer close(ra.full)
		for {
			var b []byte
			select {
			case <-ra.quit:
				ra.err = errReadAheadStopped
				return
			default:
			}
			select {
			case b = <-ra.free:
			case <-ra.quit:
				ra.err = errReadAheadStopped
				return
			}
			n, err := fill(r, b)
			if n > 0 {
				ra.full <- b[:n]
			}
			if err != nil {
				ra.err = err
				return
			}
		}
	}()
	return ra
}

func (ra *readAhead) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for len(ra.cur) == 0 {
		if ra.buf != nil {
			ra.free <- ra.buf[:cap(ra.buf)]
			ra.buf = nil
		}
		b, ok := <-ra.full
		if !ok {
			return 0, ra.err
		}
		ra.buf, ra.cur = b, b
	}
	n := copy(p, ra.cur)
	ra.cur = ra.cur[n:]
	return n, nil
}

// stop ends the goroutine and waits for it: after stop, nothing reads r.
// It is safe to call more than once, and after the end of r.
func (ra *readAhead) stop() {
	select {
	case <-ra.quit:
	default:
		close(ra.quit)
	}
	// Let a goroutine blocked on a full channel go on to see quit.
	for range ra.full {
	}
	<-ra.done
}
