package cli

import (
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sync/atomic"
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

	collectNow := collectLate()
	if p := gcPercent(); p != lateGCPercent {
		t.Fatalf("after collectLate, GOGC = %d, want %d", p, lateGCPercent)
	}
	collectNow()
	if p := gcPercent(); p != 100 {
		t.Fatalf("after collectNow, GOGC = %d, want 100", p)
	}

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
	collectNow = collectLate()
	if p := gcPercent(); p != 50 {
		t.Errorf("with GOGC=50 in the environment, collectLate set GOGC to %d", p)
	}
	collectNow()
	if p := gcPercent(); p != 50 {
		t.Errorf("with GOGC=50 in the environment, collectNow set GOGC to %d", p)
	}
}

// A run says when it starts scanning a layer, and only then: a warm run,
// every layer from the cache, goes on collecting late.
func TestScanningCollectsNow(t *testing.T) {
	args := []string{"validate", "-f", demoMatrix, "--cache-dir", t.TempDir(), "--npm", "nonexistent-npm", "--no-progress"}
	for _, run := range []struct {
		name string
		want bool
	}{{"cold", true}, {"warm", false}} {
		var scanning atomic.Bool
		code := runWithSignals(args, io.Discard, io.Discard, make(chan os.Signal), func() {}, func() { scanning.Store(true) })
		if code != ExitFindings {
			t.Fatalf("%s: validate of the demo = %d, want %d", run.name, code, ExitFindings)
		}
		if scanning.Load() != run.want {
			t.Errorf("%s validate of the demo: scanning called %v, want %v", run.name, scanning.Load(), run.want)
		}
	}
}
