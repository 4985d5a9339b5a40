package cli

import (
	"fmt"
	"io"
	"sync"
	"time"
	"unicode/utf8"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/sammatrix/sammatrix/inspect/reader"
	"golang.org/x/term"
)

// progressInterval is how often the progress line is redrawn.
const progressInterval = 100 * time.Millisecond

// defaultWidth is the width of a terminal whose width is unknown.
const defaultWidth = 80

// progress draws one status line on a terminal: layers done, the layer
// being read, bytes and rate. How many layers there are in all is not
// known until every manifest is read, so the line counts up and shows no
// total.
type progress struct {
	w     io.Writer
	width func() int // the terminal's width in columns, asked at each redraw
	start time.Time

	mu     sync.Mutex
	last   time.Time
	read   map[v1.Hash]int64
	done   map[v1.Hash]bool
	cached int
	shown  bool
}

func newProgress(w io.Writer, width func() int) *progress {
	return &progress{w: w, width: width, start: time.Now(), read: map[v1.Hash]int64{}, done: map[v1.Hash]bool{}}
}

// terminalWidth returns the width of the terminal fd, defaultWidth when it
// cannot be told.
func terminalWidth(fd int) func() int {
	return func() int {
		if w, _, err := term.GetSize(fd); err == nil && w > 0 {
			return w
		}
		return defaultWidth
	}
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
	read := len(p.done) - p.cached
	line := fmt.Sprintf("%s read, %d cached", plural(read, "layer"), p.cached)
	if reading := len(p.read) - read; reading > 0 {
		line += fmt.Sprintf(", %d reading", reading)
	}
	line += fmt.Sprintf("  %s %s  %.1f MB  %.1f MB/s", e.Image, shortHash(e.Layer), float64(total)/1e6, rate)
	fmt.Fprint(p.w, "\r\033[K"+truncate(line, p.width()-1))
	p.shown = true
}

// truncate cuts s to at most n runes, so that the line never wraps: a
// wrapped line is not cleared by the next redraw.
func truncate(s string, n int) string {
	if n < 1 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// finish clears the status line.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}

func shortHash(h v1.Hash) string {
	if len(h.Hex) > 12 {
		return h.Hex[:12]
	}
	return h.Hex
}
