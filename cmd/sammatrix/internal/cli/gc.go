package cli

import (
	"os"
	"runtime"
	"runtime/debug"
	"sync"
)

// lateGCPercent is the GOGC of collectLate before the first collection:
// Go's first goal is 4 MiB times 1+GOGC/100.
const lateGCPercent = 300

// collectLate lets the heap grow to about 16 MiB before the first garbage
// collection, and collects as Go does by default from then on, or from
// when collectNow is called, whichever comes first. A warm run (every
// layer index cached) allocates a few megabytes in a few tens of
// milliseconds; collecting from 4 MiB, the default, cost it collections
// and time. A layer being scanned allocates steadily garbage that lives
// briefly: the later its first collection, the more of it lands in fresh
// memory, faulted in page by page. So a run calls collectNow when it
// starts scanning: for a cold inspect of the 512 MiB synthetic image with
// both CPUs, 5.2k → 3.4k page faults and 2.67 → 2.61 s of CPU. A GOGC set
// in the environment wins, and collectNow then does nothing.
func collectLate() (collectNow func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	debug.SetGCPercent(lateGCPercent)
	var once sync.Once
	collectNow = func() { once.Do(func() { debug.SetGCPercent(100) }) }
	// The first collection finds the sentinel unreachable and runs its
	// finalizer, which puts the default back.
	runtime.SetFinalizer(&sentinel{}, func(*sentinel) { collectNow() })
	return collectNow
}

// sentinel holds a pointer, so that it is not one of the tiny objects
// that share a block and whose finalizers may never run.
type sentinel struct{ _ *int }
