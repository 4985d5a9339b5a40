// Package cli is the sammatrix command line: flags become library options
// here, and library results become output and exit codes. It is the only
// package that prints.
package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes of every command.
const (
	ExitOK       = 0 // all good
	ExitFindings = 1 // findings of error severity
	ExitUsage    = 2 // usage or matrix.yaml errors
	ExitFailure  = 3 // operational failure: registry, auth, corrupt blob, I/O

	ExitInterrupted = 128 + int(syscall.SIGINT)  // 130: stopped by SIGINT (Ctrl-C)
	ExitTerminated  = 128 + int(syscall.SIGTERM) // 143: stopped by SIGTERM
)

// exitError carries an exit code out of a command. A nil err means the
// command already reported what went wrong.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit code %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageError reports a usage problem (exit code 2).
func usageError(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
}

// failure reports an operational failure (exit code 3).
func failure(err error) error {
	return &exitError{code: ExitFailure, err: err}
}

// noArgs refuses positional arguments; flag, when given, is the flag the
// first argument was probably meant for.
func noArgs(flag string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		hint := ""
		if flag != "" {
			hint = fmt.Sprintf(" (did you mean %s %s?)", flag, args[0])
		}
		return usageError("%s takes no arguments%s\nRun '%s --help' for usage.", c.Name(), hint, c.CommandPath())
	}
}

// silent ends a command with code after it has printed its own report.
func silent(code int) error {
	return &exitError{code: code}
}

// Main runs the sammatrix command with args (without the program name) and
// returns the exit code. SIGINT and SIGTERM cancel the run: it stops
// reading, removes its temporary files, says what it was doing and returns
// ExitInterrupted or ExitTerminated. A second signal ends the process at
// once. Main sets the process's garbage collection (see collectLate): it
// is meant to run once per process.
func Main(args []string) int {
	collectNow := collectLate()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	// After the first signal the default handling is back, so that a
	// second one ends a run whose cleanup hangs.
	return runWithSignals(args, os.Stdout, os.Stderr, sigs, func() { signal.Stop(sigs) }, collectNow)
}

// runWithSignals runs the command with a context that the first signal
// received on sigs cancels; it calls stop then, to let the next signal
// through. scanning, if not nil, is called when a layer scan starts (see
// collectLate).
func runWithSignals(args []string, stdout, stderr io.Writer, sigs <-chan os.Signal, stop, scanning func()) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := &state{scanning: scanning}
	ctx = context.WithValue(ctx, stateKey{}, st)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case sig := <-sigs:
			st.interrupt(sig)
			stop()
			cancel()
		case <-quit:
		}
	}()
	code := runContext(ctx, args, stdout, stderr)
	close(quit)
	wg.Wait()
	if sig, what := st.interrupted(); sig != nil {
		fmt.Fprintf(stderr, "sammatrix: interrupted while %s\n", what)
		if sig == syscall.SIGTERM {
			return ExitTerminated
		}
		return ExitInterrupted
	}
	return code
}

// state is what a run is doing, for the line printed when a signal stops
// it, and what it calls when it starts scanning a layer.
type state struct {
	mu       sync.Mutex
	activity string
	sig      os.Signal
	scanning func()
}

type stateKey struct{}

// setActivity records what the command is doing, e.g. "reading 2 images".
func setActivity(c *cobra.Command, format string, args ...any) {
	if st, ok := c.Context().Value(stateKey{}).(*state); ok {
		st.mu.Lock()
		st.activity = fmt.Sprintf(format, args...)
		st.mu.Unlock()
	}
}

func (st *state) interrupt(sig os.Signal) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.sig = sig
}

// interrupted returns the signal that stopped the run, if any, and what the
// run was doing then.
func (st *state) interrupted() (os.Signal, string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.sig, cmp.Or(st.activity, "starting")
}

func run(args []string, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdout, stderr)
}

func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if ctx.Err() != nil {
		// The error, if any, only says that the context was cancelled:
		// the caller says why.
		return ExitFailure
	}
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "sammatrix: %v\n", ee.err)
		}
		return ee.code
	}
	// Anything else comes from cobra: unknown command or flag, wrong arguments.
	fmt.Fprintf(stderr, "sammatrix: %v\nRun 'sammatrix --help' for usage.\n", err)
	return ExitUsage
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "sammatrix",
		Short: "Check pairs of AWS SAM build images before they become Serverless plugin images",
		Long: `sammatrix keeps a matrix of AWS SAM build-image pairs honest. Each pair is a
runtime image and a Node.js image whose /var/lang and /opt are copied into it.
sammatrix reads matrix.yaml and checks the pairs without running a container.`,
		Example: `  sammatrix lint
  sammatrix lint -f matrix.yaml -o github`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError("%v\nRun '%s --help' for usage.", err, c.CommandPath())
	})
	root.AddCommand(newValidate(), newLint(), newInspect(), newRender(), newPlan(), newVersion())
	return root
}
