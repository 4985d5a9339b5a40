package reader

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// grantOrder makes waiters of sizes ask a scheduler of one slot (held by
// the test) for it, and returns the sizes in the order they got it.
func grantOrder(t *testing.T, s *scheduler, sizes ...int64) []int64 {
	t.Helper()
	got := make(chan int64, len(sizes))
	for _, n := range sizes {
		tk := s.ticket(n)
		go func() {
			if err := tk.acquire(context.Background()); err != nil {
				t.Error(err)
				return
			}
			got <- n
			tk.release()
		}()
	}
	waitFor(t, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return len(s.waiting) == len(sizes) })
	s.release()
	var out []int64
	for range sizes {
		out = append(out, <-got)
	}
	return out
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestSchedulerLargestFirst(t *testing.T) {
	s := newScheduler(0) // the one slot is released by grantOrder
	s.announce(4)
	got := grantOrder(t, s, 3, 40, 1, 20)
	want := []int64{40, 20, 3, 1}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("grant order = %v, want %v", got, want)
		}
	}
}

func TestSchedulerWaitsForAnnounced(t *testing.T) {
	s := newScheduler(1)
	s.announce(2)
	small, large := s.ticket(1), s.ticket(100)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := small.acquire(context.Background()); err != nil {
			t.Error(err)
		}
	}()
	select {
	case <-done:
		t.Fatal("the small layer got the slot while the large one was announced")
	case <-time.After(gatherWait / 5):
	}
	large.leave() // the large layer was cached: the small one goes
	<-done
	small.release()
}

func TestSchedulerGatherIsBounded(t *testing.T) {
	s := newScheduler(1)
	s.announce(2)
	tk := s.ticket(1)
	start := time.Now()
	if err := tk.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The other announced layer never comes: the slot is handed out
	// after gatherWait anyway.
	if time.Since(start) < gatherWait/2 {
		t.Errorf("acquire returned before gatherWait")
	}
	tk.release()
}

func TestSchedulerCancel(t *testing.T) {
	s := newScheduler(1)
	holder := s.ticket(5)
	if err := holder.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() { errc <- s.ticket(10).acquire(ctx) }()
	waitFor(t, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return len(s.waiting) == 1 })
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("acquire() = %v, want context.Canceled", err)
	}
	holder.release()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.free != 1 || len(s.waiting) != 0 {
		t.Errorf("after cancel and release: free = %d, waiting = %d, want 1, 0", s.free, len(s.waiting))
	}
}

func TestInspectAllLargestLayersFirst(t *testing.T) {
	refs, _ := allFixtures(t)
	var mu sync.Mutex
	var order []v1.Hash
	seen := map[v1.Hash]bool{}
	in := newInspector(t, Options{Jobs: 1, Progress: func(e Event) {
		mu.Lock()
		defer mu.Unlock()
		if !seen[e.Layer] {
			seen[e.Layer] = true
			order = append(order, e.Layer)
		}
	}})
	// However slow the machine, every image announces its layers before
	// a scan starts.
	in.sched.gather = time.Hour
	imgs, errs := in.InspectAll(context.Background(), refs)
	size := map[v1.Hash]int64{}
	for i, img := range imgs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		for _, l := range img.Layers {
			size[l.Digest] = l.Size
		}
	}
	if len(order) != len(size) {
		t.Fatalf("%d layers scanned, want the %d distinct ones", len(order), len(size))
	}
	for i := 1; i < len(order); i++ {
		if size[order[i]] > size[order[i-1]] {
			t.Fatalf("layer %d scanned (%d bytes) after a smaller one (%d bytes)", i, size[order[i]], size[order[i-1]])
		}
	}
}
