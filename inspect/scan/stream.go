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
