// Package cli is the sammatrix command line: flags become library options
// here, and library results become output and exit codes. It is the only
// package that prints.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// Exit codes of every command.
const (
	ExitOK       = 0 // all good
	ExitFindings = 1 // findings of error severity
	ExitUsage    = 2 // usage or matrix.yaml errors
	ExitFailure  = 3 // operational failure: registry, auth, corrupt blob, I/O
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

// silent ends a command with code after it has printed its own report.
func silent(code int) error {
	return &exitError{code: code}
}

// Main runs the sammatrix command with args (without the program name) and
// returns the exit code.
func Main(args []string) int {
	return run(args, os.Stdout, os.Stderr)
}

func run(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
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
	root.AddCommand(newValidate(), newLint(), newInspect(), newVersion())
	return root
}
