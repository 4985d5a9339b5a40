package cli

import (
	"io"
	"testing"
)

// BenchmarkValidateWarm is a warm validate of the demo matrix in process:
// every layer index and config comes from the cache, so what it measures is
// the command's own work past start-up (reading manifests, decoding the
// cached indexes, judging the pairs, writing the table).
func BenchmarkValidateWarm(b *testing.B) {
	args := []string{"validate", "-f", demoMatrix, "--cache-dir", b.TempDir(), "--npm", "nonexistent-npm", "--no-progress"}
	if code := run(args, io.Discard, io.Discard); code != ExitFindings {
		b.Fatalf("run(%q) = %d, want %d", args, code, ExitFindings)
	}
	b.ReportAllocs()
	for b.Loop() {
		if code := run(args, io.Discard, io.Discard); code != ExitFindings {
			b.Fatalf("run(%q) = %d, want %d", args, code, ExitFindings)
		}
	}
}
