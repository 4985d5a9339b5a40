package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sammatrix/sammatrix/cmd/sammatrix/internal/cli"
	"github.com/sammatrix/sammatrix/inspect/fixture"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"sammatrix": func() { os.Exit(cli.Main(os.Args[1:])) },
	})
}

// TestScripts runs the command as a user meets it: the scripts under
// testdata/script, named <command>_<case>.txtar, hold their inputs and the
// expected output. UPDATE_GOLDEN=1 rewrites the expected output in place.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "../../testdata/script",
		UpdateScripts:       os.Getenv("UPDATE_GOLDEN") != "",
		RequireExplicitExec: true,
		Cmds:                scriptCmds,
		Setup:               setupScript,
	})
}

// setupScript gives every script DEMO, the absolute path of the offline
// demo (testdata/demo: matrix.yaml and its OCI layouts).
func setupScript(env *testscript.Env) error {
	demo, err := filepath.Abs(filepath.Join("..", "..", "testdata", "demo"))
	if err != nil {
		return err
	}
	env.Setenv("DEMO", demo)
	return nil
}

// scriptCmds are the commands the scripts may use beside testscript's own.
var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	// status N PROGRAM ARGS... runs PROGRAM and fails unless it exits with N.
	"status": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) < 2 {
			ts.Fatalf("usage: status CODE PROGRAM [ARGS...]")
		}
		want, err := strconv.Atoi(args[0])
		if err != nil {
			ts.Fatalf("status: %q is not an exit code", args[0])
		}
		got := 0
		if err := ts.Exec(args[1], args[2:]...); err != nil {
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				ts.Fatalf("running %s: %v", args[1], err)
			}
			got = ee.ExitCode()
		}
		if got != want {
			ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
		}
	},
	// registry [NAME...] serves fixture images on loopback as $REGISTRY.
	"registry": fixture.RegistryCmd,
	// fixture NAME DIR writes fixture image NAME as an OCI layout at DIR,
	// tagged with its tag, and sets $TAG, $DIGEST (the manifest digest) and
	// $LAYER0… (the hex of each layer digest, in order).
	"fixture": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 2 {
			ts.Fatalf("usage: fixture NAME DIR")
		}
		s, ok := fixture.Lookup(args[0])
		if !ok {
			ts.Fatalf("fixture: unknown fixture %q", args[0])
		}
		img, err := fixture.Build(fixture.Inputs(), s)
		ts.Check(err)
		ts.Check(fixture.WriteLayout(ts.MkAbs(args[1]), map[string]v1.Image{s.Tag: img}))
		d, err := img.Digest()
		ts.Check(err)
		m, err := img.Manifest()
		ts.Check(err)
		ts.Setenv("TAG", s.Tag)
		ts.Setenv("DIGEST", d.String())
		for i, l := range m.Layers {
			ts.Setenv("LAYER"+strconv.Itoa(i), l.Digest.Hex)
		}
	},
	// truncate FILE cuts FILE to half its size.
	"truncate": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 1 {
			ts.Fatalf("usage: truncate FILE")
		}
		p := ts.MkAbs(args[0])
		info, err := os.Stat(p)
		ts.Check(err)
		ts.Check(os.Truncate(p, info.Size()/2))
	},
}
