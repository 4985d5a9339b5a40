package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// gcPercent returns the current GOGC percentage.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// collectLate raises GOGC until the first collection, then puts the
// default back; a GOGC of the environment is left alone.
func TestCollectLate(t *testing.T) {
	if v, set := os.LookupEnv("GOGC"); set {
		os.Unsetenv("GOGC")
		t.Cleanup(func() { os.Setenv("GOGC", v) })
	}
	defer debug.SetGCPercent(gcPercent())
	debug.SetGCPercent(100)

	collectLate()
	if p := gcPercent(); p != lateGCPercent {
		t.Fatalf("after collectLate, GOGC = %d, want %d", p, lateGCPercent)
	}
	for deadline := time.Now().Add(10 * time.Second); gcPercent() != 100; {
		if time.Now().After(deadline) {
			t.Fatalf("after collections, GOGC = %d, want 100 again", gcPercent())
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}

	t.Setenv("GOGC", "50")
	debug.SetGCPercent(50)
	collectLate()
	if p := gcPercent(); p != 50 {
		t.Errorf("with GOGC=50 in the environment, collectLate set GOGC to %d", p)
	}
}
