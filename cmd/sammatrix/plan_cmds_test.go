package main

import (
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sammatrix/sammatrix/inspect/fixture"
)

func init() {
	// push NAME REPOSITORY:TAG... pushes fixture image NAME to the
	// script's registry ($REGISTRY, started by registry) under each
	// repository and tag: the same image under several tags, or an image
	// under another repository's name.
	scriptCmds["push"] = func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) < 2 {
			ts.Fatalf("usage: push NAME REPOSITORY:TAG...")
		}
		host := ts.Getenv("REGISTRY")
		if host == "" {
			ts.Fatalf("push: no $REGISTRY; start one with registry first")
		}
		s, ok := fixture.Lookup(args[0])
		if !ok {
			ts.Fatalf("push: unknown fixture %q", args[0])
		}
		img, err := fixture.Build(fixture.Inputs(), s)
		ts.Check(err)
		for _, at := range args[1:] {
			repo, tag, ok := strings.Cut(at, ":")
			if !ok {
				ts.Fatalf("push: %q is not REPOSITORY:TAG", at)
			}
			s.Repository, s.Tag = repo, tag
			ts.Check(fixture.Push(host, s, img))
		}
	}
}
