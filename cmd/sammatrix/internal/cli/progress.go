package cli

import (
	"fmt"
	"io"
	"sync"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/sammatrix/sammatrix/inspect/reader"
)

// progressInterval is how often the progress line is redrawn.
const progressInterval = 100 * time.Millisecond

// progress draws one status line on a terminal: layers done, the layer
// being read, bytes and rate.
type progress struct {
	w     io.Writer
	start time.Time

	mu     sync.Mutex
	last   time.Time
	read   map[v1.Hash]int64
	done   map[v1.Hash]bool
	cached int
	shown  bool
}

func newProgress(w io.Writer) *progress {
	return &progress{w: w, start: time.Now(), read: map[v1.Hash]int64{}, done: map[v1.Hash]bool{}}
}

func (p *progress) event(e reader.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e.Cached {
		// Nothing was read: count the layer, not its bytes.
		if !p.done[e.Layer] {
			p.cached++
			p.done[e.Layer] = true
		}
		return
	}
	p.read[e.Layer] = e.Read
	if e.Done {
		p.done[e.Layer] = true
	}
	now := time.Now()
	if now.Sub(p.last) < progressInterval && !e.Done {
		return
	}
	p.last = now
	var total int64
	for _, n := range p.read {
		total += n
	}
	rate := float64(total) / max(now.Sub(p.start).Seconds(), 1e-3) / 1e6
	fmt.Fprintf(p.w, "\r\033[K%d/%d layers read, %d cached  %s %s  %.1f MB  %.1f MB/s",
		len(p.done)-p.cached, len(p.read), p.cached, e.Image, shortHash(e.Layer), float64(total)/1e6, rate)
	p.shown = true
}

// finish clears the status line.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

func shortHash(h v1.Hash) string {
	if len(h.Hex) > 12 {
		return h.Hex[:12]
	}
	return h.Hex
}
