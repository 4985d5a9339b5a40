package scan

import (
	"errors"
	"io"
)

// readAheadBuffers is the number of buffers a readAhead rotates, and
// readAheadBufferSize their size: enough for the decompressor to run a few
// reads ahead of the scan without stopping. Every buffer handed over costs
// the decompressing goroutine a channel send and often the wake-up of the
// other; with buffers of 1 MiB instead of 256 KiB a layer read ahead cost
// 4% more than inflating it alone instead of 7%.
const (
	readAheadBuffers    = 4
	readAheadBufferSize = 1 << 20
)

// idleReadAheadBuffers keeps the buffers of stopped readAheads for the next
// ones, two readAheads' worth: four megabytes for every layer otherwise.
var idleReadAheadBuffers = newIdleBuffers(2*readAheadBuffers, readAheadBufferSize)

// A readAhead hands the stream over to its reader when readAheadWindow
// full buffers in a row (16 MiB) came out of fewer than 1 in
// readAheadMaxRatio compressed bytes: data that inflates that fast (a file
// of zeros) costs more to hand from one CPU to the other than to inflate,
// and the reader is better off inflating it itself. It reads ahead again after the
// reader has read readAheadDirect bytes, and twice as many after each
// later hand-over, so that a long run of such data (a file of gigabytes
// of zeros) is handed over a few times, not once every readAheadDirect.
const (
	// The window is long next to what the readers below the decompressor
	// hold (the blob hasher's buffers, a megabyte), so that their
	// reading in large steps does not make ordinary data look fast.
	readAheadWindow   = 16
	readAheadMaxRatio = 16
	readAheadDirect   = 32 << 20
)

// errReadAheadStopped ends the goroutine of a readAhead stopped early.
var errReadAheadStopped = errors.New("read-ahead stopped")

// readAhead reads r (a decompressor) on its own goroutine, a few buffers
// ahead of its reader (the tar scan), so that with a CPU to spare the
// decompression of a layer and the scan of what came out of it run side by
// side. What r returns, data and then its error, comes out in order.
// compressed returns how many compressed bytes r has taken so far; it is
// called on the goroutine that reads r. stop must be called before
// anything else reads from what r reads from.
//
// At any time r is read by one goroutine: the read-ahead's while it runs,
// the reader's once the read-ahead has handed the stream over and ended.
type readAhead struct {
	r          io.Reader
	compressed func() int64
	free       chan []byte // buffers to read into
	quit       chan struct{}

	// Of the running read-ahead: full carries the buffers read, in order,
	// and is closed after the last; err and handedOver are set before.
	full       chan []byte
	done       chan struct{}
	running    bool
	err        error
	handedOver bool

	direct     int64  // bytes the reader reads itself before reading ahead again
	nextDirect int64  // direct after the next hand-over
	starts     int    // times it started reading ahead
	buf        []byte // being read from: its rest is cur
	cur        []byte
}

func newReadAhead(r io.Reader, compressed func() int64) *readAhead {
	ra := &readAhead{
		r:          r,
		compressed: compressed,
		free:       make(chan []byte, readAheadBuffers),
		quit:       make(chan struct{}),
		nextDirect: readAheadDirect,
	}
	for range readAheadBuffers {
		ra.free <- idleReadAheadBuffers.get()
	}
	ra.start()
	return ra
}

// start starts reading ahead.
func (ra *readAhead) start() {
	ra.full = make(chan []byte, readAheadBuffers)
	ra.done = make(chan struct{})
	ra.running, ra.err, ra.handedOver = true, nil, false
	ra.starts++
	go ra.run(ra.full, ra.done)
}

func (ra *readAhead) run(full chan<- []byte, done chan<- struct{}) {
	defer close(done)
	defer close(full)
	windowStart, filled := ra.compressed(), 0
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
		n, err := fill(ra.r, b)
		if n > 0 {
			full <- b[:n]
		} else {
			ra.free <- b
		}
		if err != nil {
			ra.err = err
			return
		}
		if filled++; filled == readAheadWindow {
			now := ra.compressed()
			if (now-windowStart)*readAheadMaxRatio < readAheadWindow*readAheadBufferSize {
				ra.handedOver = true
				return
			}
			windowStart, filled = now, 0
		}
	}
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
		if ra.direct > 0 {
			n, err := ra.r.Read(p)
			if ra.direct -= int64(n); ra.direct <= 0 && err == nil {
				ra.start()
			}
			return n, err
		}
		b, ok := <-ra.full
		if !ok {
			<-ra.done
			ra.running = false
			if ra.handedOver {
				ra.direct, ra.nextDirect = ra.nextDirect, 2*ra.nextDirect
				continue
			}
			return 0, ra.err
		}
		ra.buf, ra.cur = b, b
	}
	n := copy(p, ra.cur)
	ra.cur = ra.cur[n:]
	return n, nil
}

// stop ends the read-ahead and waits for it: after stop, nothing reads r,
// and the readAhead must not be read from. It is safe to call more than
// once, and after the end of r.
func (ra *readAhead) stop() {
	select {
	case <-ra.quit:
		return
	default:
		close(ra.quit)
	}
	if ra.running {
		// Let a goroutine blocked on a full channel go on to see quit.
		for b := range ra.full {
			idleReadAheadBuffers.put(b)
		}
		<-ra.done
		ra.running = false
	}
	// The goroutine has ended: every buffer is in free or being read.
	if ra.buf != nil {
		idleReadAheadBuffers.put(ra.buf)
		ra.buf, ra.cur = nil, nil
	}
	for {
		select {
		case b := <-ra.free:
			idleReadAheadBuffers.put(b)
		default:
			return
		}
	}
}
