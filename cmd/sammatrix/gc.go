package main

import (
	"os"
	"runtime"
	"runtime/debug"
)

// lateGCPercent is the GOGC of collectLate before the first collection:
// Go's first goal is 4 MiB times 1+GOGC/100.
const lateGCPercent = 300

// collectLate lets the heap grow to about 16 MiB before the first garbage
// collection, and collects as Go does by default from then on. A warm run
// (every layer index cached) allocates a few megabytes in a few tens of
// milliseconds; collecting from 4 MiB, the default, cost it two or three
// collections and a tenth of its time. A cold scan allocates tens of
// megabytes that live briefly: the later its first collection, the more
// of them land in fresh memory, faulted in page by page (waiting for
// 32 MiB cost a cold inspect of the 512 MiB synthetic image 4k more page
// faults). A GOGC set in the environment wins.
func collectLate() {
	if _, set := os.LookupEnv("GOGC"); set {
		return
	}
	debug.SetGCPercent(lateGCPercent)
	// The first collection finds the sentinel unreachable and runs its
	// finalizer, which puts the default back.
	runtime.SetFinalizer(&sentinel{}, func(*sentinel) { debug.SetGCPercent(100) })
}

// sentinel holds a pointer, so that it is not one of the tiny objects
// that share a block and whose finalizers may never run.
type sentinel struct{ _ *int }
