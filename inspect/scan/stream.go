package scan

import (
	"hash"
	"io"
)

// counter counts (and optionally hashes) the bytes read through it and
// reports progress about every ProgressInterval bytes.
type counter struct {
	r        io.Reader
	h        hash.Hash
	n        int64
	progress func(int64)
	reported int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.n += int64(n)
		if c.h != nil {
			c.h.Write(p[:n])
		}
		if c.progress != nil && c.n-c.reported >= ProgressInterval {
			c.reported = c.n
			c.progress(c.n)
		}
	}
	return n, err
}

// done reports the final count if it was not reported yet.
func (c *counter) done() {
	if c.progress != nil && c.reported != c.n {
		c.reported = c.n
		c.progress(c.n)
	}
}

// errReader remembers the first error other than io.EOF of the reader it
// wraps, to tell a broken stream from unreadable contents.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// fill reads into b until it is full, the contents end (io.EOF) or reading
// fails; unlike io.ReadFull it keeps io.EOF and a broken stream apart.
func fill(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// hashBuffers is the number of buffers a hashingReader rotates, and
// hashBufferSize their size: enough for the hasher to lag a few reads
// behind without stopping the reader.
const (
	hashBuffers    = 4
	hashBufferSize = 256 << 10
)

// hashingReader passes on what it reads from r and hashes it on another
// goroutine, so that verifying a blob costs the decompressor no time when a
// CPU is free. sum must be called once reading is over; it stops the
// goroutine.
type hashingReader struct {
	r    io.Reader
	h    hash.Hash
	free chan []byte // buffers neither hashed nor read from
	work chan []byte // buffers read, to hash
	done chan struct{}
	cur  []byte // what is left of the buffer being read from
	err  error
}

func newHashingReader(r io.Reader, h hash.Hash) *hashingReader {
	hr := &hashingReader{
		r:    r,
		h:    h,
		free: make(chan []byte, hashBuffers),
		work: make(chan []byte, hashBuffers),
		done: make(chan struct{}),
	}
	for range hashBuffers {
		hr.free <- idleHashBuffers.get()
	}
	go func() {
		defer close(hr.done)
		for b := range hr.work {
			hr.h.Write(b)
			hr.free <- b[:cap(b)]
		}
	}()
	return hr
}

func (hr *hashingReader) Read(p []byte) (int, error) {
	if len(hr.cur) == 0 {
		if hr.err != nil {
			return 0, hr.err
		}
		// Only this reader fills buffers, and only once it is done with
		// the previous one: a buffer taken from free is read by no one.
		b := <-hr.free
		n, err := hr.r.Read(b)
		hr.err = err
		hr.cur = b[:n]
		if n == 0 {
			hr.free <- b
			return 0, err
		}
		hr.work <- b[:n]
	}
	n := copy(p, hr.cur)
	hr.cur = hr.cur[n:]
	return n, nil
}

// idleHashBuffers keeps the buffers of finished hashingReaders for the
// next ones, two layers' worth: a megabyte for every layer otherwise.
var idleHashBuffers = newIdleBuffers(2*hashBuffers, hashBufferSize)

// idleBuffers keeps buffers of one size from one reader to the next, up to
// its capacity: fresh memory is faulted in page by page.
type idleBuffers struct {
	c    chan []byte
	size int
}

func newIdleBuffers(n, size int) idleBuffers {
	return idleBuffers{c: make(chan []byte, n), size: size}
}

// get returns an idle buffer, or a new one.
func (l idleBuffers) get() []byte {
	select {
	case b := <-l.c:
		return b
	default:
		return make([]byte, l.size)
	}
}

// put keeps b, whole, for a later get if there is room.
func (l idleBuffers) put(b []byte) {
	select {
	case l.c <- b[:cap(b)]:
	default:
	}
}

// sum waits for the hasher and returns the hash of everything read. The
// reader must not be read from afterwards: its buffers go to the next.
func (hr *hashingReader) sum() []byte {
	hr.stop()
	hr.cur = nil
	for range hashBuffers {
		idleHashBuffers.put(<-hr.free)
	}
	return hr.h.Sum(nil)
}

// stop ends the hashing goroutine; it is safe to call more than once.
func (hr *hashingReader) stop() {
	select {
	case <-hr.done:
		return
	default:
	}
	close(hr.work)
	<-hr.done
}
