package main

import (
	"os"
	"runtime"
	"runtime/debug"
)

// collectLate lets the heap grow to about 32 MiB before the first garbage
// collection, and collects as Go does by default from then on. A warm run
// (every layer index cached) allocates a few megabytes in a few tens of
// milliseconds; collecting from 4 MiB, the default, cost it two or three
// collections and a tenth of its time. A cold scan passes 32 MiB early, so
// its peak memory is as before. A GOGC set in the environment wins.
func collectLate() {
	if _, set := os.LookupEnv("GOGC"); set {
		return
	}
	debug.SetGCPercent(800)
	// The first collection finds the sentinel unreachable and runs its
	// finalizer, which puts the default back.
	runtime.SetFinalizer(&sentinel{}, func(*sentinel) { debug.SetGCPercent(100) })
}

// sentinel holds a pointer, so that it is not one of the tiny objects
// that share a block and whose finalizers may never run.
type sentinel struct{ _ *int }
