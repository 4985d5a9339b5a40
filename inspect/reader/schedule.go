package reader

import (
	"context"
	"sync"
	"time"
)

// gatherWait bounds how long a free slot waits for announced layers that
// have not yet asked for one (they are reading a manifest or the cache).
const gatherWait = 50 * time.Millisecond

// scheduler hands out the Options.Jobs scan slots of an Inspector, to the
// largest waiting layer first (by compressed size), so that a long layer
// does not start last and run alone at the end. Layers are announced
// before they ask: while announced layers have neither asked for a slot nor
// given up, and for at most gatherWait, free slots wait for them, so that
// the first slots too go to the largest layers.
type scheduler struct {
	mu       sync.Mutex
	gather   time.Duration // gatherWait, but for tests
	free     int           // slots not handed out
	expected int           // announced, neither waiting nor given up
	deadline time.Time     // free slots wait for the announced until then
	timer    *time.Timer
	waiting  []*waiter
}

type waiter struct {
	size    int64
	ready   chan struct{}
	granted bool
}

func newScheduler(jobs int) *scheduler { return &scheduler{free: jobs, gather: gatherWait} }

// announce says that n layers (or images about to announce theirs) will
// each either ask for a slot or give up, through a ticket's acquire or
// leave.
func (s *scheduler) announce(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expected += n
	s.deadline = time.Now().Add(s.gather)
}

// ticket returns the ticket of one announced layer of size bytes.
func (s *scheduler) ticket(size int64) *ticket { return &ticket{s: s, size: size} }

// arrived counts one announced layer as no longer expected.
func (s *scheduler) arrived() {
	s.expected--
	s.dispatch()
}

// dispatch hands free slots to the largest waiters; called with mu held.
func (s *scheduler) dispatch() {
	for s.free > 0 && len(s.waiting) > 0 {
		if s.expected > 0 {
			if wait := time.Until(s.deadline); wait > 0 {
				if s.timer == nil {
					s.timer = time.AfterFunc(wait, func() {
						s.mu.Lock()
						defer s.mu.Unlock()
						s.timer = nil
						s.dispatch()
					})
				}
				return
			}
		}
		best := 0
		for i, w := range s.waiting {
			if w.size > s.waiting[best].size {
				best = i
			}
		}
		w := s.waiting[best]
		s.waiting = append(s.waiting[:best], s.waiting[best+1:]...)
		s.free--
		w.granted = true
		close(w.ready)
	}
}

// release gives back a slot.
func (s *scheduler) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.free++
	s.dispatch()
}

// ticket is one announced layer's claim on a slot.
type ticket struct {
	s    *scheduler
	size int64
	// arrived is set once the layer asked for a slot or gave up.
	arrived bool
}

// leave says the layer needs no slot (it is cached, or another image reads
// it); later calls, and calls after acquire, do nothing.
func (t *ticket) leave() {
	if t == nil || t.arrived {
		return
	}
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	t.arrived = true
	t.s.arrived()
}

// acquire waits for a slot, which the caller gives back with release. A
// layer may ask after it left (it waited for another image's read, which
// failed): it then waits without being expected.
func (t *ticket) acquire(ctx context.Context) error {
	s := t.s
	w := &waiter{size: t.size, ready: make(chan struct{})}
	s.mu.Lock()
	s.waiting = append(s.waiting, w)
	if !t.arrived {
		t.arrived = true
		s.expected--
	}
	s.dispatch()
	s.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if w.granted {
		s.free++
	} else {
		for i, x := range s.waiting {
			if x == w {
				s.waiting = append(s.waiting[:i], s.waiting[i+1:]...)
				break
			}
		}
	}
	s.dispatch()
	return ctx.Err()
}

// release gives back the slot acquire took.
func (t *ticket) release() { t.s.release() }
