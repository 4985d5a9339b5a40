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

// Everything the source gives comes out in order, then its error, both
// when the read-ahead keeps reading the source and when it hands the rest
// over to its reader (data that inflates too fast to be worth handing).
func TestReadAheadPassesDataThenError(t *testing.T) {
	data := make([]byte, (readAheadWindow+4)*readAheadBufferSize+12345)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range data {
		data[i] = byte(r.IntN(256))
	}
	boom := errors.New("boom")
	for _, tt := range []struct {
		name   string
		err    error
		ratio  int64 // compressed bytes per decompressed byte, ×100
		direct bool
	}{
		{"end, read ahead", io.EOF, 50, false},
		{"failure, read ahead", boom, 50, false},
		{"end, handed over", io.EOF, 0, true},
		{"failure, handed over", boom, 0, true},
	} {
		src := &failingReader{data: bytes.Clone(data), err: tt.err}
		// The source's count of compressed bytes, as a share of what it
		// gave so far; read on the read-ahead's goroutine only.
		compressed := func() int64 { return int64(len(data)-len(src.data)) * tt.ratio / 100 }
		ra := newReadAhead(src, compressed)
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
		if ra.handedOver != tt.direct {
			t.Errorf("%s: handed over = %v, want %v", tt.name, ra.handedOver, tt.direct)
		}
	}
}

// After reading readAheadDirect bytes itself, the reader reads ahead
// again; data that inflates slowly again is read ahead to the end.
func TestReadAheadResumes(t *testing.T) {
	data := make([]byte, readAheadDirect+(2*readAheadWindow+3)*readAheadBufferSize+777)
	for i := range data {
		data[i] = byte(i * 7)
	}
	src := &failingReader{data: bytes.Clone(data), err: io.EOF}
	fastUntil := int64(readAheadWindow * readAheadBufferSize)
	// Out of nothing for the first window, then one compressed byte for
	// every two.
	compressed := func() int64 { return max(0, int64(len(data)-len(src.data))-fastUntil) / 2 }
	ra := newReadAhead(src, compressed)
	got, err := io.ReadAll(ra)
	ra.stop()
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, %v; want the %d of the source in order", len(got), err, len(data))
	}
	if ra.starts != 2 || ra.handedOver {
		t.Errorf("started %d times, handed over at the end %v; want 2 starts, reading ahead at the end", ra.starts, ra.handedOver)
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
	ra := newReadAhead(src, noCompressed)
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

// noCompressed is the compressed count of a source that has none.
func noCompressed() int64 { return 0 }
