package scan

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

// Everything the source gives comes out in order, then its error.
func TestReadAheadPassesDataThenError(t *testing.T) {
	data := make([]byte, 3*readAheadBufferSize+12345)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range data {
		data[i] = byte(r.IntN(256))
	}
	boom := errors.New("boom")
	for _, tt := range []struct {
		name string
		err  error
	}{{"end", io.EOF}, {"failure", boom}} {
		ra := newReadAhead(&failingReader{data: bytes.Clone(data), err: tt.err})
		var got bytes.Buffer
		p := make([]byte, 7000) // not a divisor of the buffer size
		var err error
		for err == nil {
			var n int
			n, err = ra.Read(p)
			got.Write(p[:n])
		}
		ra.stop()
		if !bytes.Equal(got.Bytes(), data) {
			t.Errorf("%s: read %d bytes, not the %d of the source in order", tt.name, got.Len(), len(data))
		}
		if err != tt.err {
			t.Errorf("%s: error after the data = %v, want %v", tt.name, err, tt.err)
		}
	}
}

// slowReader fills every read, slowly, and counts the reads that end
// after stopped is set.
type slowReader struct {
	stopped atomic.Bool
	late    atomic.Int32
}

func (s *slowReader) Read(p []byte) (int, error) {
	time.Sleep(5 * time.Millisecond)
	if s.stopped.Load() {
		s.late.Add(1)
	}
	return len(p), nil
}

// After stop returns, the source is read no more, even when stop comes
// before the source's end and with buffers still unread.
func TestReadAheadStopEndsReading(t *testing.T) {
	src := &slowReader{}
	ra := newReadAhead(src)
	p := make([]byte, 10)
	if n, err := ra.Read(p); n == 0 || err != nil {
		t.Fatalf("Read = %d, %v; want data", n, err)
	}
	ra.stop()
	src.stopped.Store(true)
	time.Sleep(20 * time.Millisecond)
	if n := src.late.Load(); n != 0 {
		t.Errorf("the source was read %d times after stop returned", n)
	}
	ra.stop() // a second stop is harmless
}
