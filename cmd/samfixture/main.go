// Command samfixture builds the fixture images of package inspect/fixture and
// writes them where a demo or a test needs them:
//
//	go run ./cmd/samfixture -o testdata/demo          # the offline demo
//	go run ./cmd/samfixture -push 127.0.0.1:5000      # push to a registry
//	go run ./cmd/samfixture -docker-archive DIR       # one docker save tarball per SAM image
//
// It prints one line per image: name, repository:tag and manifest digest.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/sammatrix/sammatrix/inspect/fixture"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("samfixture", flag.ContinueOnError)
	fs.SetOutput(stderr)
	inputs := fs.String("inputs", fixture.Inputs(), "directory of the committed fixture inputs")
	out := fs.String("o", "", "write the offline demo (OCI layouts and matrix.yaml) under `DIR`")
	push := fs.String("push", "", "push every image and the indexes to the registry `HOST` over plain HTTP")
	archives := fs.String("docker-archive", "", "write one docker-archive tarball per SAM image into `DIR`")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: samfixture [-inputs DIR] [-o DIR] [-push HOST] [-docker-archive DIR]\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "samfixture: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if err := build(stdout, *inputs, *out, *push, *archives); err != nil {
		fmt.Fprintf(stderr, "samfixture: %v\n", err)
		return exitError
	}
	return exitOK
}

func build(stdout io.Writer, inputs, out, push, archives string) error {
	imgs, err := fixture.BuildAll(inputs)
	if err != nil {
		return err
	}
	if out != "" {
		if err := fixture.WriteDemo(out, inputs); err != nil {
			return err
		}
	}
	if push != "" {
		if err := fixture.PushAll(push, inputs); err != nil {
			return err
		}
	}
	for _, s := range fixture.Specs() {
		img := imgs[s.Name]
		if archives != "" {
			tag, err := fixture.ArchiveTag(s)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(archives, 0o755); err != nil {
				return fmt.Errorf("creating directory %q: %w", archives, err)
			}
			file := filepath.Join(archives, strings.ReplaceAll(s.Name, "@", "-")+".tar")
			if err := fixture.WriteDockerArchive(file, tag, img); err != nil {
				return err
			}
		}
		d, err := img.Digest()
		if err != nil {
			return fmt.Errorf("hashing image %q: %w", s.Name, err)
		}
		fmt.Fprintf(stdout, "%-18s %s:%s %s\n", s.Name, s.Repository, s.Tag, d)
	}
	plugins, err := fixture.BuildAllPlugins(inputs)
	if err != nil {
		return err
	}
	for _, s := range fixture.PluginSpecs() {
		d, err := plugins[s.Name].Digest()
		if err != nil {
			return fmt.Errorf("hashing image %q: %w", s.Name, err)
		}
		fmt.Fprintf(stdout, "%-18s %s:%s %s\n", s.Name, s.Repository, s.Tag, d)
	}
	return nil
}
