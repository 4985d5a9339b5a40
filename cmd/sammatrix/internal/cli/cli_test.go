package cli

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A signal cancels a run stuck on a registry that does not answer: the
// fetch stops, the run says what it was doing and exits with the signal's
// code, and the next signal is let through.
func TestRunWithSignals(t *testing.T) {
	tests := []struct {
		name string
		sig  os.Signal
		want int
	}{
		{"SIGINT", syscall.SIGINT, ExitInterrupted},
		{"SIGTERM", syscall.SIGTERM, ExitTerminated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked := make(chan struct{}, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				select {
				case asked <- struct{}{}:
				default:
				}
				<-r.Context().Done()
			}))
			defer srv.Close()
			host := strings.TrimPrefix(srv.URL, "http://")

			sigs := make(chan os.Signal, 1)
			go func() {
				<-asked
				sigs <- tt.sig
			}()
			stopped := false
			var stdout, stderr bytes.Buffer
			args := []string{"inspect", "--no-cache", "--insecure-registry", host, host + "/sam/build-python3.12:1"}
			start := time.Now()
			code := runWithSignals(args, &stdout, &stderr, sigs, func() { stopped = true }, nil)
			if code != tt.want {
				t.Errorf("runWithSignals(%q) after %s = %d, want %d\n%s", args, tt.sig, code, tt.want, stderr.String())
			}
			if got, want := stderr.String(), "sammatrix: interrupted while reading 1 image\n"; got != want {
				t.Errorf("runWithSignals(%q) after %s printed %q on stderr, want %q", args, tt.sig, got, want)
			}
			if stdout.Len() != 0 {
				t.Errorf("runWithSignals(%q) after %s printed %q on stdout, want nothing", args, tt.sig, stdout.String())
			}
			if !stopped {
				t.Errorf("runWithSignals(%q) did not let the next signal through after %s", args, tt.sig)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("runWithSignals(%q) took %v after %s, want the fetch stopped at once", args, d, tt.sig)
			}
		})
	}
}

// Without a signal the command's own exit code and output stand.
func TestRunWithSignalsNone(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := runWithSignals([]string{"version"}, &stdout, &stderr, make(chan os.Signal), func() { t.Error("stop called without a signal") }, nil)
	if code != ExitOK || !strings.HasPrefix(stdout.String(), "sammatrix ") || stderr.Len() != 0 {
		t.Errorf("runWithSignals(version) = %d, stdout %q, stderr %q; want 0, the version, nothing", code, stdout.String(), stderr.String())
	}
}

func TestNoArgs(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"validate", "extra-arg"}, "sammatrix: validate takes no arguments (did you mean -f extra-arg?)\n"},
		{[]string{"lint", "matrix.yaml", "more"}, "sammatrix: lint takes no arguments (did you mean -f matrix.yaml?)\n"},
		{[]string{"version", "now"}, "sammatrix: version takes no arguments\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tt.args, &stdout, &stderr); code != ExitUsage {
				t.Errorf("run(%q) = %d, want %d", tt.args, code, ExitUsage)
			}
			if got := stderr.String(); !strings.HasPrefix(got, tt.want) {
				t.Errorf("run(%q) printed %q, want it to start with %q", tt.args, got, tt.want)
			}
		})
	}
}
